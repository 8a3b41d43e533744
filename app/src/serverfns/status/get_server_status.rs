use leptos::prelude::*;

use crate::domain::health::{HealthFilter, HealthView};
use crate::domain::status::ServerStatus;

admin_server_fn! {
    /// Asks the store whether it is reachable and which schema it runs.
    #[server(endpoint = "status/get")]
    pub async fn get_server_status() -> ServerStatus
    => |services, _| services.server_status().await

    /// The health centre: every kind counted under the filter, and a page of the kind chosen.
    #[server(endpoint = "status/health")]
    pub async fn get_health(filter: HealthFilter, page: i64) -> HealthView
    => |services, _| services.health(&filter, page).await
}
