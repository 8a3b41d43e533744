use leptos::prelude::*;

use crate::domain::ids::ConnectionId;

admin_server_fn! {
    #[server(endpoint = "oauth/delete")]
    pub async fn delete_oauth_connection(id: ConnectionId) -> ()
    => |services, admin| services.delete_oauth_connection(&admin, id).await
}
