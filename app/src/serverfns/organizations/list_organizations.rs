use leptos::prelude::*;

use crate::domain::organization::OrganizationView;
use crate::domain::paging::Paged;

admin_server_fn! {
    /// One page of organizations whose name contains `search`, the provider first.
    #[server(endpoint = "organizations/list")]
    pub async fn list_organizations(search: String, page: i64) -> Paged<OrganizationView>
    => |services, _| services.organizations(&search, page).await
}
