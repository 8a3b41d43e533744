use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "admins/remove")]
pub async fn remove_administrator(
    id: i64,
    current_password: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::admin::PasswordProof;
    crate::ssr::as_admin(|services, admin| async move {
        let session = crate::ssr::session_token().ok_or(AppError::Unauthorized)?;
        let proof = PasswordProof {
            session_token: &session,
            password: current_password.as_deref().unwrap_or_default(),
        };
        services.remove_administrator(&admin, proof, id).await
    })
    .await
}
