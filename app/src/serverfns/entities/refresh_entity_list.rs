use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntityList;

admin_server_fn! {
    /// Fetches the whole list again; how many entities on how many pages.
    #[server(endpoint = "entities/refresh")]
    pub async fn refresh_entity_list(integration_id: IntegrationId) -> EntityList
    => |services, _| services.refresh_entity_list(integration_id).await
}
