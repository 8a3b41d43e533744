use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntityList;
use crate::error::AppError;

/// Fetches the whole list again; how many entities on how many pages.
#[server(endpoint = "entities/refresh")]
pub async fn refresh_entity_list(integration_id: IntegrationId) -> Result<EntityList, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.refresh_entity_list(integration_id).await },
    )
    .await
}
