//! The services port: every server function reaches the server through these traits, one per
//! area, implemented by the `bifrost` server crate in its service module of the same area.

mod access;
mod consent_links;
mod entity_sources;
mod integrations;
mod notifications;
mod oauth;
mod organizations;

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::error::AppError;

pub use access::*;
pub use consent_links::*;
pub use entity_sources::*;
pub use integrations::*;
pub use notifications::*;
pub use oauth::*;
pub use organizations::*;

/// Everything server functions may ask of the server, provided to every request as a Leptos
/// context. The server crate implements each part in the service module of its area, then
/// declares its services to be these.
pub trait Services:
    IntegrationServices
    + ConfigurationServices
    + MappingServices
    + TransferServices
    + EntitySourceServices
    + OAuthServices
    + OAuthTokenServices
    + ConsentLinkServices
    + ApiKeyServices
    + AuthenticationServices
    + AdministratorServices
    + TwoFactorServices
    + OrganizationServices
    + AuditServices
    + StatusServices
    + HealthServices
    + NotificationServices
    + Send
    + Sync
    + 'static
{
}

/// Shared handle on the services, as stored in the Leptos context.
pub type SharedServices = Arc<dyn Services>;

/// The services of the current request.
pub fn services() -> Result<SharedServices, AppError> {
    use_context::<SharedServices>().ok_or_else(|| {
        tracing::error!("services missing from the Leptos context");
        AppError::Internal
    })
}
