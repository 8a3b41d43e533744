use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::OrganizationChoice;
use crate::domain::paging::Paged;

admin_server_fn! {
    /// Organizations that can still be mapped, matching `search`.
    #[server(endpoint = "mappings/unmapped")]
    pub async fn list_unmapped_organizations(
        integration_id: IntegrationId, search: String,
    ) -> Paged<OrganizationChoice>
    => |services, _| services.unmapped_organizations(integration_id, &search).await
}
