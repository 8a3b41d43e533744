//! What the workflow API answers, as JSON: a resolved integration and a page of mappings. The
//! OpenAPI document describes these types.

use app::domain::ids::OrganizationId;
use app::domain::time::format_utc;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::services::FreshToken;

/// An integration as a workflow sees it in one organization's scope. `Debug` shows the config's
/// keys only: its values include decrypted secrets.
#[derive(Serialize, ToSchema)]
pub struct ResolvedIntegration {
    pub name: String,
    /// The organization's ID in the external system (tenant, company); the integration's
    /// default entity ID in the global scope or for an organization without a mapping.
    pub entity_id: String,
    pub entity_name: String,
    /// The organization the answer is for; null in the global scope.
    pub organization: Option<ScopeOrganization>,
    /// Whether the organization has a mapping (else the global scope applied).
    pub mapped: bool,
    /// Defaults with the organization's overrides, typed: numbers, booleans, parsed JSON and
    /// decrypted secrets.
    #[schema(value_type = Object)]
    pub config: Map<String, Value>,
    /// A fresh access token, or null when the integration has no OAuth connection.
    pub oauth: Option<OAuthAccess>,
    /// Required fields with no value in this scope.
    pub missing_required: Vec<String>,
}

impl std::fmt::Debug for ResolvedIntegration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResolvedIntegration")
            .field("name", &self.name)
            .field("entity_id", &self.entity_id)
            .field("organization", &self.organization)
            .field("config_keys", &self.config.keys().collect::<Vec<_>>())
            .field("oauth", &self.oauth)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeOrganization {
    #[schema(value_type = i64)]
    pub id: OrganizationId,
    pub name: String,
}

/// A fresh access token. The server refreshes it first when it is about to expire.
#[derive(Serialize, ToSchema)]
pub struct OAuthAccess {
    pub access_token: String,
    pub token_type: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for OAuthAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthAccess")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl From<FreshToken> for OAuthAccess {
    fn from(token: FreshToken) -> OAuthAccess {
        OAuthAccess {
            access_token: token.access_token.expose_secret().to_string(),
            token_type: token.token_type,
            expires_at: rfc3339(token.expires_at),
            scopes: token.scopes,
        }
    }
}

/// `2026-11-24T23:10:50Z`.
pub fn rfc3339(millis: i64) -> String {
    format_utc(millis)
        .replacen(' ', "T", 1)
        .replace(" UTC", "Z")
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MappingPage {
    pub items: Vec<MappedOrganization>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MappedOrganization {
    #[schema(value_type = i64)]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
}
