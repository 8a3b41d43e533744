use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::oauth::{OAuthConnectionDraft, OAuthConnectionView};

admin_server_fn! {
    #[server(endpoint = "oauth/create", input = Json)]
    pub async fn create_oauth_connection(draft: OAuthConnectionDraft) -> OAuthConnectionView
    => |services, admin| services.create_oauth_connection(&admin, &draft).await
}
