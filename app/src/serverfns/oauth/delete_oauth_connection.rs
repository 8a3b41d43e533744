use leptos::prelude::*;

use crate::domain::ids::ConnectionId;
use crate::error::AppError;

#[server(endpoint = "oauth/delete")]
pub async fn delete_oauth_connection(id: ConnectionId) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.delete_oauth_connection(&admin, id).await
    })
    .await
}
