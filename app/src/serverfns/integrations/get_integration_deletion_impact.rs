use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::IntegrationDeletionImpact;
use crate::error::AppError;

/// What deleting an integration takes with it, for the confirmation.
#[server(endpoint = "integrations/deletion-impact")]
pub async fn get_integration_deletion_impact(
    id: IntegrationId,
) -> Result<IntegrationDeletionImpact, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.integration_deletion_impact(id).await },
    )
    .await
}
