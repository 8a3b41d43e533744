use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "integrations/delete")]
pub async fn delete_integration(id: i64) -> Result<(), AppError> {
    crate::ssr::as_admin(
        |services, admin| async move { services.delete_integration(&admin, id).await },
    )
    .await
}
