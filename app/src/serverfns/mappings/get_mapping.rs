use leptos::prelude::*;

use crate::domain::ids::{IntegrationId, MappingId};
use crate::domain::integration::MappingView;
use crate::error::AppError;

#[server(endpoint = "mappings/get")]
pub async fn get_mapping(
    integration_id: IntegrationId,
    mapping_id: MappingId,
) -> Result<MappingView, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.mapping(integration_id, mapping_id).await },
    )
    .await
}
