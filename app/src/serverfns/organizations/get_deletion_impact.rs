use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::domain::organization::DeletionImpact;
use crate::error::AppError;

/// What deleting an organization takes with it, for the confirmation dialog.
#[server(endpoint = "organizations/deletion-impact")]
pub async fn get_deletion_impact(id: OrganizationId) -> Result<DeletionImpact, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.organization_deletion_impact(id).await },
    )
    .await
}
