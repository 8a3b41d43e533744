use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntitySourceDraft;

admin_server_fn! {
    /// The saved settings, or `None` when the integration has no entity source yet.
    #[server(endpoint = "entities/source")]
    pub async fn get_entity_source(integration_id: IntegrationId) -> Option<EntitySourceDraft>
    => |services, _| services.entity_source_draft(integration_id).await
}
