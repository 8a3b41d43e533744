use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::api_key::{ApiKeyDraft, CreatedApiKey};
use crate::error::AppError;

/// Creates a key; the answer carries the key this one time.
#[server(endpoint = "api-keys/create", input = Json)]
pub async fn create_api_key(draft: ApiKeyDraft) -> Result<CreatedApiKey, AppError> {
    crate::ssr::as_admin(
        |services, admin| async move { services.create_api_key(&admin, &draft).await },
    )
    .await
}
