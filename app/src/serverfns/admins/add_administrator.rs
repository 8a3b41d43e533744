use leptos::prelude::*;

use crate::domain::admin::CurrentAdmin;
use crate::error::AppError;

#[server(endpoint = "admins/add")]
pub async fn add_administrator(
    email: String,
    password: String,
    confirm_password: String,
) -> Result<CurrentAdmin, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .add_administrator(&admin, &email, &password, &confirm_password)
            .await
    })
    .await
}
