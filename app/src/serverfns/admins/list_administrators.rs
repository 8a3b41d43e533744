use leptos::prelude::*;

use crate::domain::admin::AdminView;
use crate::error::AppError;

#[server(endpoint = "admins/list")]
pub async fn list_administrators() -> Result<Vec<AdminView>, AppError> {
    crate::ssr::as_admin(|services, admin| async move { services.administrators(&admin).await })
        .await
}
