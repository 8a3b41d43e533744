use leptos::prelude::*;

use crate::domain::organization::OrganizationView;

admin_server_fn! {
    #[server(endpoint = "organizations/create")]
    pub async fn create_organization(name: String) -> OrganizationView
    => |services, admin| services.create_organization(&admin, &name).await
}
