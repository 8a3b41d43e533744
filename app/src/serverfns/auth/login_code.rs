use leptos::prelude::*;

use crate::error::AppError;

/// The second step of a sign-in: a code from the authenticator app or a recovery code.
#[server(endpoint = "auth/login-code")]
pub async fn login_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::admin::SIGN_IN_CHALLENGE_COOKIE;
    use crate::domain::navigation::safe_return_path;
    use crate::ssr;
    ssr::with_status(
        async {
            let services = ssr::services()?;
            let challenge = ssr::request_cookie(SIGN_IN_CHALLENGE_COOKIE).ok_or_else(|| {
                AppError::Conflict(
                    "this sign-in waited too long for its code; sign in again".into(),
                )
            })?;
            let client = ssr::client_address();
            let cookie = services
                .login_code(&challenge, &code, client.as_deref())
                .await?;
            ssr::set_cookie(cookie)?;
            leptos_axum::redirect(&safe_return_path(next.as_deref()));
            Ok(())
        }
        .await,
    )
}
