use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::error::AppError;

#[server(endpoint = "integrations/delete")]
pub async fn delete_integration(id: IntegrationId) -> Result<(), AppError> {
    crate::ssr::as_admin(
        |services, admin| async move { services.delete_integration(&admin, id).await },
    )
    .await
}
