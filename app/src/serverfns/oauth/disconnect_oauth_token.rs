use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, TokenId};

admin_server_fn! {
    /// Deletes a token's values, revoking them at the provider when it has a revocation URL.
    #[server(endpoint = "oauth/disconnect", input = Json)]
    pub async fn disconnect_oauth_token(integration_id: IntegrationId, token_id: TokenId) -> ()
    => |services, admin| services.disconnect_oauth_token(&admin, integration_id, token_id).await
}
