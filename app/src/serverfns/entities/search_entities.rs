use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySearch;

admin_server_fn! {
    /// The mapping picker's choices: unmapped entities whose ID or name contains `search`.
    #[server(endpoint = "entities/search")]
    pub async fn search_entities(integration_id: IntegrationId, search: String) -> EntitySearch
    => |services, _| services.search_entities(integration_id, &search).await
}
