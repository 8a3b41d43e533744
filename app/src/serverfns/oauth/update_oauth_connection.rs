use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::ConnectionId;
use crate::domain::oauth::{OAuthConnectionDraft, OAuthConnectionView};

admin_server_fn! {
    #[server(endpoint = "oauth/update", input = Json)]
    pub async fn update_oauth_connection(
        id: ConnectionId, draft: OAuthConnectionDraft,
    ) -> OAuthConnectionView
    => |services, admin| services.update_oauth_connection(&admin, id, &draft).await
}
