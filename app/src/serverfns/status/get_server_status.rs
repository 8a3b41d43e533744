use leptos::prelude::*;

use crate::domain::status::ServerStatus;
use crate::error::AppError;

/// Asks the store whether it is reachable and which schema it runs.
#[server(endpoint = "status/get")]
pub async fn get_server_status() -> Result<ServerStatus, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.server_status().await }).await
}
