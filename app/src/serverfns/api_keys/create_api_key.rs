use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::api_key::{ApiKeyDraft, CreatedApiKey};
use crate::error::AppError;

/// Creates a key; the answer carries the key this one time.
#[server(endpoint = "api-keys/create", input = Json)]
pub async fn create_api_key(
    draft: ApiKeyDraft,
    current_password: Option<String>,
) -> Result<CreatedApiKey, AppError> {
    use crate::domain::admin::PasswordProof;
    crate::ssr::as_admin(|services, admin| async move {
        let session = crate::ssr::session_token().ok_or(AppError::Unauthorized)?;
        let proof = PasswordProof {
            session_token: &session,
            password: current_password.as_deref().unwrap_or_default(),
        };
        services.create_api_key(&admin, proof, &draft).await
    })
    .await
}
