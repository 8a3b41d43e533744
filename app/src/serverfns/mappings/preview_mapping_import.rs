use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::transfer::ImportPreview;
use crate::error::AppError;

/// What importing a mappings CSV would do, row by row; writes nothing.
#[server(endpoint = "mappings/import-preview")]
pub async fn preview_mapping_import(
    integration_id: IntegrationId,
    csv: String,
) -> Result<ImportPreview, AppError> {
    crate::ssr::as_admin(|services, _| async move {
        services.preview_mapping_import(integration_id, &csv).await
    })
    .await
}
