use leptos::prelude::*;

use crate::error::AppError;

/// First-run setup: creates the first administrator and signs them in.
#[server(endpoint = "auth/setup")]
pub async fn setup_first_admin(
    setup_code: String,
    email: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::domain::admin::FirstAdminForm;
    use crate::ssr;
    ssr::with_status(
        async {
            let services = ssr::services()?;
            let form = FirstAdminForm {
                setup_code: &setup_code,
                email: &email,
                password: &password,
                confirm: &confirm_password,
            };
            let client = ssr::client_address();
            let cookie = services.setup_first_admin(form, client.as_deref()).await?;
            ssr::set_cookie(cookie)?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
