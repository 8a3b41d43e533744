use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;

/// Sets a mapping's entity ID to what the provider reported when its organization connected.
#[server(endpoint = "oauth/adopt-entity-id", input = Json)]
pub async fn adopt_detected_entity_id(
    integration_id: i64,
    mapping_id: i64,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .adopt_detected_entity_id(&admin, integration_id, mapping_id)
            .await
    })
    .await
}
