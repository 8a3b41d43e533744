use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySourceDraft;

admin_server_fn! {
    /// Checks every setting, then saves them; the page loads again to show them.
    #[server(endpoint = "entities/save-source", input = Json)]
    pub async fn save_entity_source(integration_id: IntegrationId, draft: EntitySourceDraft) -> ()
    => |services, admin| services.save_entity_source(&admin, integration_id, &draft).await.map(drop)
}
