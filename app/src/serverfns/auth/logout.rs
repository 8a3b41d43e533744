use leptos::prelude::*;

use crate::error::AppError;

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr;
    ssr::with_status(
        async {
            let services = ssr::services()?;
            let cookie = services.logout(ssr::session_token().as_deref()).await?;
            ssr::set_cookie(cookie)?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}
