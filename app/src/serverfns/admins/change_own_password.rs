use leptos::prelude::*;

admin_server_fn! {
    /// Changes the signed-in administrator's password; their other sessions end.
    #[server(endpoint = "admins/change-password")]
    pub async fn change_own_password(
        current_password: String, password: String, confirm_password: String,
    ) -> ()
    => |services, admin| {
        let session = crate::ssr::session_token().ok_or(crate::error::AppError::Unauthorized)?;
        let (current, new, again) = (&current_password, &password, &confirm_password);
        services.change_own_password(&admin, &session, current, new, again).await
    }
}
