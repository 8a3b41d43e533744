use leptos::prelude::*;

use crate::domain::ids::{IntegrationId, MappingId};
use crate::domain::integration::MappingView;

admin_server_fn! {
    #[server(endpoint = "mappings/get")]
    pub async fn get_mapping(integration_id: IntegrationId, mapping_id: MappingId) -> MappingView
    => |services, _| services.mapping(integration_id, mapping_id).await
}
