use leptos::prelude::*;

use crate::domain::integration::MappingView;
use crate::error::AppError;

#[server(endpoint = "mappings/get")]
pub async fn get_mapping(integration_id: i64, mapping_id: i64) -> Result<MappingView, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.mapping(integration_id, mapping_id).await },
    )
    .await
}
