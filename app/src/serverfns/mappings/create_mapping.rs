use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{MappingDraft, MappingSummary};
use crate::error::AppError;

#[server(endpoint = "mappings/create", input = Json)]
pub async fn create_mapping(
    integration_id: IntegrationId,
    draft: MappingDraft,
) -> Result<MappingSummary, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .create_mapping(&admin, integration_id, &draft)
            .await
    })
    .await
}
