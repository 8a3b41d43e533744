use leptos::prelude::*;

use crate::domain::status::ServerStatus;

admin_server_fn! {
    /// Asks the store whether it is reachable and which schema it runs.
    #[server(endpoint = "status/get")]
    pub async fn get_server_status() -> ServerStatus
    => |services, _| services.server_status().await
}
