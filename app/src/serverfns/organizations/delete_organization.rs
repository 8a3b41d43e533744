use leptos::prelude::*;

use crate::domain::ids::OrganizationId;

admin_server_fn! {
    #[server(endpoint = "organizations/delete")]
    pub async fn delete_organization(id: OrganizationId) -> ()
    => |services, admin| services.delete_organization(&admin, id).await
}
