use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::transfer::ImportPreview;

admin_server_fn! {
    /// What importing a mappings CSV would do, row by row; writes nothing.
    #[server(endpoint = "mappings/import-preview")]
    pub async fn preview_mapping_import(integration_id: IntegrationId, csv: String) -> ImportPreview
    => |services, _| services.preview_mapping_import(integration_id, &csv).await
}
