use leptos::prelude::*;

use crate::domain::ids::IntegrationId;

admin_server_fn! {
    #[server(endpoint = "integrations/delete")]
    pub async fn delete_integration(id: IntegrationId) -> ()
    => |services, admin| services.delete_integration(&admin, id).await
}
