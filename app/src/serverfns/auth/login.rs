use leptos::prelude::*;

use crate::error::AppError;

/// Checks the credentials, sets the session cookie and returns to the page asked for.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::navigation::safe_return_path;
    use crate::ssr;
    ssr::with_status(
        async {
            let services = ssr::services()?;
            let client = ssr::client_address();
            let next = safe_return_path(next.as_deref());
            match services.login(&email, &password, client.as_deref()).await? {
                ssr::SignInStep::SignedIn(cookie) => {
                    ssr::set_cookie(cookie)?;
                    leptos_axum::redirect(&next);
                }
                ssr::SignInStep::CodeNeeded(cookie) => {
                    ssr::set_cookie(cookie)?;
                    let next = urlencoding::encode(&next).into_owned();
                    leptos_axum::redirect(&format!("/login/code?next={next}"));
                }
            }
            Ok(())
        }
        .await,
    )
}
