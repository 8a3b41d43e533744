use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "organizations/delete")]
pub async fn delete_organization(id: i64) -> Result<(), AppError> {
    crate::ssr::as_admin(
        |services, admin| async move { services.delete_organization(&admin, id).await },
    )
    .await
}
