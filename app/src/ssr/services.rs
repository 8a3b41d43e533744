//! The services port.

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::domain::admin::{
    AdminView, CurrentAdmin, FirstAdminForm, PasswordProof, TwoFactorEnrolment, TwoFactorStatus,
};
use crate::domain::api_key::{ApiKeyDraft, ApiKeyView, CreatedApiKey};
use crate::domain::audit::{AuditEntryView, AuditFilter};
use crate::domain::integration::{
    FieldValueView, IntegrationDeletionImpact, IntegrationDraft, IntegrationSummary,
    IntegrationView, MappingDraft, MappingSummary, MappingView, OrganizationChoice, ValueInput,
};
use crate::domain::oauth::{
    ConnectionTestResult, IntegrationOAuthView, OAuthConnectionDraft, OAuthConnectionView,
    OAuthTokenView,
};
use crate::domain::organization::{DeletionImpact, OrganizationView};
use crate::domain::paging::Paged;
use crate::domain::status::ServerStatus;
use crate::domain::transfer::{DefinitionImported, ImportPreview, ImportSummary};
use crate::error::AppError;

/// A `Set-Cookie` header value produced by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie(pub String);

/// What signing in with a right password led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in: the session cookie.
    SignedIn(SetCookie),
    /// The second factor is asked for next: the cookie of the waiting sign-in.
    CodeNeeded(SetCookie),
}

/// Integrations and their schemas.
#[async_trait::async_trait]
pub trait IntegrationServices: Send + Sync {
    async fn integrations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<IntegrationSummary>, AppError>;
    /// By name, in any case.
    async fn integration(&self, name: &str) -> Result<IntegrationView, AppError>;
    async fn create_integration(
        &self,
        admin: &CurrentAdmin,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError>;
    async fn update_integration(
        &self,
        admin: &CurrentAdmin,
        id: i64,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError>;
    async fn integration_deletion_impact(
        &self,
        id: i64,
    ) -> Result<IntegrationDeletionImpact, AppError>;
    async fn delete_integration(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError>;
    /// Links the integration to an OAuth connection, or unlinks it with `None`.
    async fn link_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        connection_id: Option<i64>,
    ) -> Result<IntegrationView, AppError>;
}

/// The defaults of the Configuration tab.
#[async_trait::async_trait]
pub trait ConfigurationServices: Send + Sync {
    async fn default_values(&self, integration_id: i64) -> Result<Vec<FieldValueView>, AppError>;
    /// Checks every value, then saves all or none.
    async fn save_defaults(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        inputs: &[ValueInput],
    ) -> Result<Vec<FieldValueView>, AppError>;
}

/// The Mappings tab.
#[async_trait::async_trait]
pub trait MappingServices: Send + Sync {
    async fn mappings(
        &self,
        integration_id: i64,
        search: &str,
        page: i64,
    ) -> Result<Paged<MappingSummary>, AppError>;
    /// The first organizations without a mapping whose name contains `search`, and how many
    /// there are in all.
    async fn unmapped_organizations(
        &self,
        integration_id: i64,
        search: &str,
    ) -> Result<Paged<OrganizationChoice>, AppError>;
    async fn mapping(&self, integration_id: i64, mapping_id: i64) -> Result<MappingView, AppError>;
    /// Each field with its override on a mapping (none for `None`, a new mapping) and default.
    async fn override_values(
        &self,
        integration_id: i64,
        mapping_id: Option<i64>,
    ) -> Result<Vec<FieldValueView>, AppError>;
    async fn create_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError>;
    async fn update_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError>;
    async fn delete_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
    ) -> Result<(), AppError>;
}

/// Bulk work: the mappings CSV and integration definitions.
#[async_trait::async_trait]
pub trait TransferServices: Send + Sync {
    /// Every mapping with its non-secret overrides, as CSV.
    async fn mappings_csv(&self, integration_name: &str) -> Result<String, AppError>;
    /// What importing the CSV would do, row by row; writes nothing.
    async fn preview_mapping_import(
        &self,
        integration_id: i64,
        csv_text: &str,
    ) -> Result<ImportPreview, AppError>;
    /// Imports every row, or none when any row is bad.
    async fn import_mapping_csv(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        csv_text: &str,
    ) -> Result<ImportSummary, AppError>;
    /// Schema, non-secret defaults and entity ID settings, as JSON.
    async fn definition_json(&self, name: &str) -> Result<String, AppError>;
    async fn import_definition(
        &self,
        admin: &CurrentAdmin,
        json_text: &str,
    ) -> Result<DefinitionImported, AppError>;
}

/// OAuth connections (Settings > OAuth Connections).
#[async_trait::async_trait]
pub trait OAuthServices: Send + Sync {
    async fn oauth_connections(&self) -> Result<Vec<OAuthConnectionView>, AppError>;
    async fn oauth_connection(&self, id: i64) -> Result<OAuthConnectionView, AppError>;
    async fn create_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError>;
    async fn update_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: i64,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError>;
    async fn delete_oauth_connection(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError>;
}

/// Tokens of an integration's OAuth connection: Connect, status, refresh, disconnect, test.
#[async_trait::async_trait]
pub trait OAuthTokenServices: Send + Sync {
    /// The linked connection and its tokens; `None` when no connection is linked.
    async fn integration_oauth(
        &self,
        integration_id: i64,
    ) -> Result<Option<IntegrationOAuthView>, AppError>;
    /// Starts authorizing (the shared token, or a mapping's organization): the URL to open.
    async fn start_oauth_connect(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        integration_id: i64,
        mapping_id: Option<i64>,
    ) -> Result<String, AppError>;
    async fn refresh_oauth_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        token_id: i64,
    ) -> Result<OAuthTokenView, AppError>;
    /// Deletes the token values (revoking them when the connection has a revocation URL).
    async fn disconnect_oauth_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        token_id: i64,
    ) -> Result<(), AppError>;
    /// Links a mapping to an organization-specific token of the same connection, or unlinks it.
    async fn link_mapping_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
        token_id: Option<i64>,
    ) -> Result<(), AppError>;
    /// Sets the mapping's entity ID to what the provider reported when its organization connected.
    async fn adopt_detected_entity_id(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
    ) -> Result<(), AppError>;
    /// A GET of `base_url` + `path` with the organization's (or the shared) token.
    async fn test_connection(
        &self,
        integration_id: i64,
        organization_id: Option<i64>,
        path: &str,
    ) -> Result<ConnectionTestResult, AppError>;
}

/// Settings > API Keys.
#[async_trait::async_trait]
pub trait ApiKeyServices: Send + Sync {
    /// Newest first.
    async fn api_keys(&self, page: i64) -> Result<Paged<ApiKeyView>, AppError>;
    /// The key is in the answer this once; only its hash is stored.
    /// Creates a key; a provider-wide one asks for the password again when it is not recent.
    async fn create_api_key(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        draft: &ApiKeyDraft,
    ) -> Result<CreatedApiKey, AppError>;
    async fn revoke_api_key(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError>;
}

/// Everything server functions may ask of the server. Implemented by the server crate and
/// provided to every request as a Leptos context.
#[async_trait::async_trait]
pub trait Services:
    IntegrationServices
    + ConfigurationServices
    + MappingServices
    + TransferServices
    + OAuthServices
    + OAuthTokenServices
    + ApiKeyServices
    + Send
    + Sync
    + 'static
{
    async fn server_status(&self) -> Result<ServerStatus, AppError>;

    /// Whether no administrator exists yet, so the first-run setup page applies.
    async fn setup_needed(&self) -> Result<bool, AppError>;
    /// Creates the first administrator and signs them in, for a visitor with the setup code the
    /// server printed; refused once any administrator exists.
    async fn setup_first_admin(
        &self,
        form: FirstAdminForm<'_>,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError>;
    async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<SignInStep, AppError>;
    /// The second step of a sign-in: a code from the authenticator app or a recovery code,
    /// for the waiting sign-in named by `challenge`.
    async fn login_code(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError>;
    /// Ends the session (if any) and returns the cookie that clears it in the browser.
    async fn logout(&self, session_token: Option<&str>) -> Result<SetCookie, AppError>;
    async fn organizations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<OrganizationView>, AppError>;
    async fn create_organization(
        &self,
        admin: &CurrentAdmin,
        name: &str,
    ) -> Result<OrganizationView, AppError>;
    async fn rename_organization(
        &self,
        admin: &CurrentAdmin,
        id: i64,
        name: &str,
    ) -> Result<OrganizationView, AppError>;
    /// What deleting the organization would take with it; refused for the provider organization.
    async fn organization_deletion_impact(&self, id: i64) -> Result<DeletionImpact, AppError>;
    async fn delete_organization(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError>;

    /// The audit log, newest first.
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: i64,
    ) -> Result<Paged<AuditEntryView>, AppError>;

    async fn administrators(&self, admin: &CurrentAdmin) -> Result<Vec<AdminView>, AppError>;
    async fn two_factor_status(&self, admin: &CurrentAdmin) -> Result<TwoFactorStatus, AppError>;
    /// A new secret for the administrator's authenticator app, pending until confirmed; asks
    /// for the password again when it is not recent (a sign-in setting).
    async fn start_two_factor(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
    ) -> Result<TwoFactorEnrolment, AppError>;
    /// Confirms the pending secret with a code from the app; returns ten recovery codes, shown
    /// this once.
    async fn confirm_two_factor(
        &self,
        admin: &CurrentAdmin,
        code: &str,
    ) -> Result<Vec<String>, AppError>;
    /// Turns two-factor sign-in off, with the password and a current code.
    async fn disable_two_factor(
        &self,
        admin: &CurrentAdmin,
        password: &str,
        code: &str,
    ) -> Result<(), AppError>;
    /// Adds an administrator; asks for the acting one's password again when it is not recent.
    async fn add_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<CurrentAdmin, AppError>;
    async fn remove_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        id: i64,
    ) -> Result<(), AppError>;
    async fn change_own_password(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError>;

    /// The administrator a session token belongs to, if it is live.
    async fn authenticate(&self, session_token: &str) -> Result<Option<CurrentAdmin>, AppError>;
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
