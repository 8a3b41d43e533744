use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, TokenId};
use crate::domain::oauth::OAuthTokenView;

admin_server_fn! {
    /// Refreshes a token of the integration's connection now.
    #[server(endpoint = "oauth/refresh", input = Json)]
    pub async fn refresh_oauth_token(
        integration_id: IntegrationId, token_id: TokenId,
    ) -> OAuthTokenView
    => |services, admin| services.refresh_oauth_token(&admin, integration_id, token_id).await
}
