//! The port of OAuth connections and their tokens.

use crate::domain::admin::CurrentAdmin;
use crate::domain::ids::{ConnectionId, IntegrationId, MappingId, OrganizationId, TokenId};
use crate::domain::oauth::{
    ConnectionTestResult, IntegrationOAuthView, OAuthConnectionDraft, OAuthConnectionView,
    OAuthTokenView,
};
use crate::error::AppError;

/// OAuth connections (Settings > OAuth Connections).
#[async_trait::async_trait]
pub trait OAuthServices: Send + Sync {
    async fn oauth_connections(&self) -> Result<Vec<OAuthConnectionView>, AppError>;
    async fn oauth_connection(&self, id: ConnectionId) -> Result<OAuthConnectionView, AppError>;
    async fn create_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError>;
    async fn update_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: ConnectionId,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError>;
    async fn delete_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: ConnectionId,
    ) -> Result<(), AppError>;
}

/// Tokens of an integration's OAuth connection: Connect, status, refresh, disconnect, test.
#[async_trait::async_trait]
pub trait OAuthTokenServices: Send + Sync {
    /// The linked connection and its tokens; `None` when no connection is linked.
    async fn integration_oauth(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Option<IntegrationOAuthView>, AppError>;
    /// Starts authorizing (the shared token, or a mapping's organization): the URL to open.
    async fn start_oauth_connect(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<String, AppError>;
    async fn refresh_oauth_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        token_id: TokenId,
    ) -> Result<OAuthTokenView, AppError>;
    /// Deletes the token values (revoking them when the connection has a revocation URL).
    async fn disconnect_oauth_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        token_id: TokenId,
    ) -> Result<(), AppError>;
    /// Links a mapping to an organization-specific token of the same connection, or unlinks it.
    async fn link_mapping_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        token_id: Option<TokenId>,
    ) -> Result<(), AppError>;
    /// Sets the mapping's entity ID to what the provider reported when its organization connected.
    async fn adopt_detected_entity_id(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<(), AppError>;
    /// A GET of `base_url` + `path` with the organization's (or the shared) token.
    async fn test_connection(
        &self,
        integration_id: IntegrationId,
        organization_id: Option<OrganizationId>,
        path: &str,
    ) -> Result<ConnectionTestResult, AppError>;
}
