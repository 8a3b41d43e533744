use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::ConnectionId;
use crate::domain::oauth::{OAuthConnectionDraft, OAuthConnectionView};
use crate::error::AppError;

#[server(endpoint = "oauth/update", input = Json)]
pub async fn update_oauth_connection(
    id: ConnectionId,
    draft: OAuthConnectionDraft,
) -> Result<OAuthConnectionView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.update_oauth_connection(&admin, id, &draft).await
    })
    .await
}
