use leptos::prelude::*;

use crate::domain::ids::AdminId;
use crate::error::AppError;

#[server(endpoint = "admins/remove")]
pub async fn remove_administrator(
    id: AdminId,
    current_password: Option<String>,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        let given = crate::ssr::password_again(current_password)?;
        services
            .remove_administrator(&admin, given.proof(), id)
            .await
    })
    .await
}
