use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::OrganizationChoice;
use crate::domain::paging::Paged;
use crate::error::AppError;

/// Organizations that can still be mapped, matching `search`.
#[server(endpoint = "mappings/unmapped")]
pub async fn list_unmapped_organizations(
    integration_id: IntegrationId,
    search: String,
) -> Result<Paged<OrganizationChoice>, AppError> {
    crate::ssr::as_admin(|services, _| async move {
        services
            .unmapped_organizations(integration_id, &search)
            .await
    })
    .await
}
