use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySourceDraft;
use crate::error::AppError;

/// Checks every setting, then saves them; the page loads again to show them.
#[server(endpoint = "entities/save-source", input = Json)]
pub async fn save_entity_source(
    integration_id: IntegrationId,
    draft: EntitySourceDraft,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .save_entity_source(&admin, integration_id, &draft)
            .await
            .map(drop)
    })
    .await
}
