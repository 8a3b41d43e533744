use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, MappingId};

admin_server_fn! {
    /// Sets a mapping's entity ID to what the provider reported when its organization connected.
    #[server(endpoint = "oauth/adopt-entity-id", input = Json)]
    pub async fn adopt_detected_entity_id(
        integration_id: IntegrationId, mapping_id: MappingId,
    ) -> ()
    => |services, admin| services.adopt_detected_entity_id(&admin, integration_id, mapping_id).await
}
