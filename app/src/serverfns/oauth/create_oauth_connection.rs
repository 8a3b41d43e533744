use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::oauth::{OAuthConnectionDraft, OAuthConnectionView};
use crate::error::AppError;

#[server(endpoint = "oauth/create", input = Json)]
pub async fn create_oauth_connection(
    draft: OAuthConnectionDraft,
) -> Result<OAuthConnectionView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.create_oauth_connection(&admin, &draft).await
    })
    .await
}
