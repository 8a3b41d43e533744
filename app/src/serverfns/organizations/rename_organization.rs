use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::domain::organization::OrganizationView;

admin_server_fn! {
    #[server(endpoint = "organizations/rename")]
    pub async fn rename_organization(id: OrganizationId, name: String) -> OrganizationView
    => |services, admin| services.rename_organization(&admin, id, &name).await
}
