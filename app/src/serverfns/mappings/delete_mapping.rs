use leptos::prelude::*;

use crate::domain::ids::{IntegrationId, MappingId};
use crate::error::AppError;

#[server(endpoint = "mappings/delete")]
pub async fn delete_mapping(
    integration_id: IntegrationId,
    mapping_id: MappingId,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .delete_mapping(&admin, integration_id, mapping_id)
            .await
    })
    .await
}
