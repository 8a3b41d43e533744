use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySearch;
use crate::error::AppError;

/// The mapping picker's choices: unmapped entities whose ID or name contains `search`.
#[server(endpoint = "entities/search")]
pub async fn search_entities(
    integration_id: IntegrationId,
    search: String,
) -> Result<EntitySearch, AppError> {
    crate::ssr::as_admin(|services, _| async move {
        services.search_entities(integration_id, &search).await
    })
    .await
}
