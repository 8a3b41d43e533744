use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::MappingSummary;
use crate::domain::paging::Paged;

admin_server_fn! {
    /// One page of an integration's mappings whose organization or entity ID contains `search`.
    #[server(endpoint = "mappings/list")]
    pub async fn list_mappings(
        integration_id: IntegrationId, search: String, page: i64,
    ) -> Paged<MappingSummary>
    => |services, _| services.mappings(integration_id, &search, page).await
}
