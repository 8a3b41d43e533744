use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::transfer::ImportSummary;

admin_server_fn! {
    /// Imports every row of a mappings CSV, or none when any row is bad.
    #[server(endpoint = "mappings/import")]
    pub async fn import_mappings(integration_id: IntegrationId, csv: String) -> ImportSummary
    => |services, admin| services.import_mapping_csv(&admin, integration_id, &csv).await
}
