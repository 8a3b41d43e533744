use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::domain::organization::DeletionImpact;

admin_server_fn! {
    /// What deleting an organization takes with it, for the confirmation dialog.
    #[server(endpoint = "organizations/deletion-impact")]
    pub async fn get_deletion_impact(id: OrganizationId) -> DeletionImpact
    => |services, _| services.organization_deletion_impact(id).await
}
