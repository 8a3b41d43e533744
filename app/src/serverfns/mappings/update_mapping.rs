use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, MappingId};
use crate::domain::integration::{MappingDraft, MappingSummary};
use crate::error::AppError;

#[server(endpoint = "mappings/update", input = Json)]
pub async fn update_mapping(
    integration_id: IntegrationId,
    mapping_id: MappingId,
    draft: MappingDraft,
) -> Result<MappingSummary, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .update_mapping(&admin, integration_id, mapping_id, &draft)
            .await
    })
    .await
}
