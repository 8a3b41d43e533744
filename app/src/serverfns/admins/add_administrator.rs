use leptos::prelude::*;

use crate::domain::admin::CurrentAdmin;
use crate::error::AppError;

#[server(endpoint = "admins/add")]
pub async fn add_administrator(
    email: String,
    password: String,
    confirm_password: String,
    current_password: Option<String>,
) -> Result<CurrentAdmin, AppError> {
    use crate::domain::admin::PasswordProof;
    crate::ssr::as_admin(|services, admin| async move {
        let session = crate::ssr::session_token().ok_or(AppError::Unauthorized)?;
        let proof = PasswordProof {
            session_token: &session,
            password: current_password.as_deref().unwrap_or_default(),
        };
        services
            .add_administrator(&admin, proof, &email, &password, &confirm_password)
            .await
    })
    .await
}
