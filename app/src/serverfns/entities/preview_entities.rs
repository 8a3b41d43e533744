use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{EntityList, EntitySourceDraft};
use crate::error::AppError;

/// The first entities under the settings as typed, without saving them.
#[server(endpoint = "entities/preview", input = Json)]
pub async fn preview_entities(
    integration_id: IntegrationId,
    draft: EntitySourceDraft,
) -> Result<EntityList, AppError> {
    crate::ssr::as_admin(|services, _| async move {
        services.preview_entities(integration_id, &draft).await
    })
    .await
}
