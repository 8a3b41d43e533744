//! The signed-in administrator's own two-factor sign-in.

use leptos::prelude::*;

use crate::domain::admin::{TwoFactorEnrolment, TwoFactorStatus};

admin_server_fn! {
    #[server(endpoint = "two-factor/status")]
    pub async fn get_two_factor_status() -> TwoFactorStatus
    => |services, admin| services.two_factor_status(&admin).await

    /// A new secret, shown this once to its owner, waiting for the confirming code.
    #[server(endpoint = "two-factor/start")]
    pub async fn start_two_factor(current_password: Option<String>) -> TwoFactorEnrolment
    => |services, admin| {
        let given = crate::ssr::password_again(current_password)?;
        services.start_two_factor(&admin, given.proof()).await
    }

    /// Confirms with a code from the app; answers the ten recovery codes, shown this once.
    #[server(endpoint = "two-factor/confirm")]
    pub async fn confirm_two_factor(code: String) -> Vec<String>
    => |services, admin| services.confirm_two_factor(&admin, &code).await

    #[server(endpoint = "two-factor/disable")]
    pub async fn disable_two_factor(password: String, code: String) -> ()
    => |services, admin| services.disable_two_factor(&admin, &password, &code).await
}
