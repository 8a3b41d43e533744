use leptos::prelude::*;

use crate::error::AppError;

/// Changes the signed-in administrator's password; their other sessions end.
#[server(endpoint = "admins/change-password")]
pub async fn change_own_password(
    current_password: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        let session = crate::ssr::session_token().ok_or(AppError::Unauthorized)?;
        services
            .change_own_password(
                &admin,
                &session,
                &current_password,
                &password,
                &confirm_password,
            )
            .await
    })
    .await
}
