use leptos::prelude::*;

use crate::domain::oauth::OAuthConnectionView;

admin_server_fn! {
    /// Every OAuth connection, by name; client secrets only say whether they are set.
    #[server(endpoint = "oauth/list")]
    pub async fn list_oauth_connections() -> Vec<OAuthConnectionView>
    => |services, _| services.oauth_connections().await
}
