use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::domain::organization::OrganizationView;
use crate::error::AppError;

#[server(endpoint = "organizations/rename")]
pub async fn rename_organization(
    id: OrganizationId,
    name: String,
) -> Result<OrganizationView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.rename_organization(&admin, id, &name).await
    })
    .await
}
