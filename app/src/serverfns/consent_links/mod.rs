//! Consent links on a mapping: create one (shown once), list them, revoke one.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{ConsentLinkId, IntegrationId, MappingId};
use crate::domain::oauth::{ConsentLinkView, CreatedConsentLink};

admin_server_fn! {
    /// A new link for the mapping's organization; its address is in this answer only.
    #[server(endpoint = "consent-links/create", input = Json)]
    pub async fn create_consent_link(
        integration_id: IntegrationId, mapping_id: MappingId, days: String,
    ) -> CreatedConsentLink
    => |services, admin| {
        services.create_consent_link(&admin, integration_id, mapping_id, &days).await
    }

    #[server(endpoint = "consent-links/list")]
    pub async fn list_consent_links(
        integration_id: IntegrationId, mapping_id: MappingId,
    ) -> Vec<ConsentLinkView>
    => |services, _| services.consent_links(integration_id, mapping_id).await

    #[server(endpoint = "consent-links/revoke", input = Json)]
    pub async fn revoke_consent_link(integration_id: IntegrationId, link_id: ConsentLinkId) -> ()
    => |services, admin| services.revoke_consent_link(&admin, integration_id, link_id).await
}
