use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, TokenId};
use crate::domain::oauth::OAuthTokenView;
use crate::error::AppError;

/// Refreshes a token of the integration's connection now.
#[server(endpoint = "oauth/refresh", input = Json)]
pub async fn refresh_oauth_token(
    integration_id: IntegrationId,
    token_id: TokenId,
) -> Result<OAuthTokenView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .refresh_oauth_token(&admin, integration_id, token_id)
            .await
    })
    .await
}
