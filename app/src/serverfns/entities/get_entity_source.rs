use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySourceDraft;
use crate::error::AppError;

/// The saved settings, or `None` when the integration has no entity source yet.
#[server(endpoint = "entities/source")]
pub async fn get_entity_source(
    integration_id: IntegrationId,
) -> Result<Option<EntitySourceDraft>, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.entity_source_draft(integration_id).await },
    )
    .await
}
