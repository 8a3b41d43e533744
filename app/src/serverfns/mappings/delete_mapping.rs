use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "mappings/delete")]
pub async fn delete_mapping(integration_id: i64, mapping_id: i64) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .delete_mapping(&admin, integration_id, mapping_id)
            .await
    })
    .await
}
