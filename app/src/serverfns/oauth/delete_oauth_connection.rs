use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "oauth/delete")]
pub async fn delete_oauth_connection(id: i64) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.delete_oauth_connection(&admin, id).await
    })
    .await
}
