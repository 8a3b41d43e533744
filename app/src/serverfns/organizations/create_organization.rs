use leptos::prelude::*;

use crate::domain::organization::OrganizationView;
use crate::error::AppError;

#[server(endpoint = "organizations/create")]
pub async fn create_organization(name: String) -> Result<OrganizationView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.create_organization(&admin, &name).await
    })
    .await
}
