use leptos::prelude::*;

use crate::domain::oauth::OAuthConnectionView;
use crate::error::AppError;

/// Every OAuth connection, by name; client secrets only say whether they are set.
#[server(endpoint = "oauth/list")]
pub async fn list_oauth_connections() -> Result<Vec<OAuthConnectionView>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.oauth_connections().await }).await
}
