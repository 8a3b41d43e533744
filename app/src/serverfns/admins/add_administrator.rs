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
    crate::ssr::as_admin(|services, admin| async move {
        let given = crate::ssr::password_again(current_password)?;
        services
            .add_administrator(&admin, given.proof(), &email, &password, &confirm_password)
            .await
    })
    .await
}
