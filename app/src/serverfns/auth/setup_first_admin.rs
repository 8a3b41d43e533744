use leptos::prelude::*;

use crate::error::AppError;

/// First-run setup: creates the first administrator and signs them in.
#[server(endpoint = "auth/setup")]
pub async fn setup_first_admin(
    email: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr;
    ssr::with_status(
        async {
            let services = ssr::services()?;
            let cookie = services
                .setup_first_admin(&email, &password, &confirm_password)
                .await?;
            ssr::set_cookie(cookie)?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
