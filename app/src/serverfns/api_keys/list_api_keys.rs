use leptos::prelude::*;

use crate::domain::api_key::ApiKeyView;
use crate::domain::paging::Paged;
use crate::error::AppError;

/// One page of API keys, newest first; never a key itself.
#[server(endpoint = "api-keys/list")]
pub async fn list_api_keys(page: i64) -> Result<Paged<ApiKeyView>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.api_keys(page).await }).await
}
