use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::ApiKeyId;
use crate::error::AppError;

/// Revokes a key: refused from the next request on.
#[server(endpoint = "api-keys/revoke", input = Json)]
pub async fn revoke_api_key(id: ApiKeyId) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move { services.revoke_api_key(&admin, id).await })
        .await
}
