use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{EntityList, EntitySourceDraft};

admin_server_fn! {
    /// The first entities under the settings as typed, without saving them.
    #[server(endpoint = "entities/preview", input = Json)]
    pub async fn preview_entities(
        integration_id: IntegrationId, draft: EntitySourceDraft,
    ) -> EntityList
    => |services, _| services.preview_entities(integration_id, &draft).await
}
