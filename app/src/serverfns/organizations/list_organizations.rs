use leptos::prelude::*;

use crate::domain::organization::OrganizationView;
use crate::domain::paging::Paged;
use crate::error::AppError;

/// One page of organizations whose name contains `search`, the provider first.
#[server(endpoint = "organizations/list")]
pub async fn list_organizations(
    search: String,
    page: i64,
) -> Result<Paged<OrganizationView>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.organizations(&search, page).await })
        .await
}
