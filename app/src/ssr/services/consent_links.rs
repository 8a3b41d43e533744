//! The port of consent links: an administrator creates one for a mapping's organization, lists
//! them and revokes one. The customer's side is served by the server's own HTTP handlers.

use crate::domain::admin::CurrentAdmin;
use crate::domain::ids::{ConsentLinkId, IntegrationId, MappingId};
use crate::domain::oauth::{ConsentLinkView, CreatedConsentLink};
use crate::error::AppError;

#[async_trait::async_trait]
pub trait ConsentLinkServices: Send + Sync {
    /// A new link for the mapping's organization, working for `days` (as typed); audited.
    async fn create_consent_link(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        days: &str,
    ) -> Result<CreatedConsentLink, AppError>;
    /// The mapping's organization's links, newest first.
    async fn consent_links(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<Vec<ConsentLinkView>, AppError>;
    /// Revokes an open link; audited. Revoking it again changes nothing.
    async fn revoke_consent_link(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        link_id: ConsentLinkId,
    ) -> Result<(), AppError>;
}
