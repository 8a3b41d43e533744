use leptos::prelude::*;

use crate::domain::ids::{IntegrationId, MappingId};

admin_server_fn! {
    #[server(endpoint = "mappings/delete")]
    pub async fn delete_mapping(integration_id: IntegrationId, mapping_id: MappingId) -> ()
    => |services, admin| services.delete_mapping(&admin, integration_id, mapping_id).await
}
