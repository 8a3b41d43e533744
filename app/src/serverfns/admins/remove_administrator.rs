use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "admins/remove")]
pub async fn remove_administrator(id: i64) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.remove_administrator(&admin, id).await
    })
    .await
}
