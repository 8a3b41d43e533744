use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::IntegrationDeletionImpact;

admin_server_fn! {
    /// What deleting an integration takes with it, for the confirmation.
    #[server(endpoint = "integrations/deletion-impact")]
    pub async fn get_integration_deletion_impact(id: IntegrationId) -> IntegrationDeletionImpact
    => |services, _| services.integration_deletion_impact(id).await
}
