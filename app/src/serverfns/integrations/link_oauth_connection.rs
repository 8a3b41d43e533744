use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{ConnectionId, IntegrationId};
use crate::domain::integration::IntegrationView;

admin_server_fn! {
    /// Links an integration to an OAuth connection, or unlinks it when `connection_id` is `None`.
    #[server(endpoint = "integrations/link-oauth", input = Json)]
    pub async fn link_oauth_connection(
        integration_id: IntegrationId, connection_id: Option<ConnectionId>,
    ) -> IntegrationView
    => |services, admin| services.link_oauth_connection(&admin, integration_id, connection_id).await
}
