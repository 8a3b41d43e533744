//! `GET /api/v1/integrations/{name}`: an integration resolved in an organization's scope, and
//! `GET /api/v1/integrations/{name}/mappings`: the organizations mapped.

use app::domain::time::format_utc;
use app::ssr::MappingServices;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::auth::{authenticate, BearerKey, Caller};
use super::error::{from_app, ApiError, ErrorBody};
use super::scope::resolve_scope;
use crate::services::api_keys::looks_like_api_key;
use crate::services::resolve_cache::{AnswerKey, CachedAnswer};
use crate::services::FreshToken;
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ResolveQuery {
    /// An organization name, `id:<id>` (a bare number is an id when no organization has it as
    /// its name), or `global`; the key's own organization when absent.
    pub scope: Option<String>,
}

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
    pub id: i64,
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

/// `2026-11-24T23:10:50Z`.
pub fn rfc3339(millis: i64) -> String {
    format_utc(millis)
        .replacen(' ', "T", 1)
        .replace(" UTC", "Z")
}

fn access_of(token: FreshToken) -> OAuthAccess {
    OAuthAccess {
        access_token: token.access_token.expose_secret().to_string(),
        token_type: token.token_type,
        expires_at: rfc3339(token.expires_at),
        scopes: token.scopes,
    }
}

/// Resolve an integration for an organization.
#[utoipa::path(
    get,
    path = "/api/v1/integrations/{name}",
    tag = "integrations",
    params(("name" = String, Path, description = "The integration's name, in any case"), ResolveQuery),
    responses(
        (status = 200, description = "The integration in the scope", body = ResolvedIntegration),
        (status = 401, description = "No, an unknown, a revoked or an expired key", body = ErrorBody),
        (status = 403, description = "A customer key asking for another organization or the global scope", body = ErrorBody),
        (status = 404, description = "Unknown integration or organization; or, for a customer key, an integration its organization is not mapped to (`integration_not_configured`)", body = ErrorBody),
        (status = 409, description = "The OAuth token needs reconnecting, or was never connected", body = ErrorBody),
        (status = 502, description = "The OAuth provider failed the refresh", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn resolve_integration(
    State(state): State<AppState>,
    BearerKey(key): BearerKey,
    Path(name): Path<String>,
    query: Result<Query<ResolveQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let services = &state.services;
    if !looks_like_api_key(&key) {
        return Err(ApiError::Unauthorized);
    }
    let answer_key = AnswerKey::new(&key, &name, query.scope.as_deref());
    // Read before anything else, so what follows is at least as new as the generation.
    let generation = services.change_generation().await?;
    if let Some(answer) = services.cached_answer(generation, &answer_key) {
        return Ok(json_body(answer.body.clone()));
    }
    let caller = authenticate(services, &key).await?;
    let scope = resolve_scope(services, &caller, query.scope.as_deref()).await?;
    let organization_id = scope.organization.as_ref().map(|(id, _)| *id);
    let merged = services
        .merged_config(&name, organization_id)
        .await
        .map_err(|error| from_app(error, &name))?;
    // The global scope (defaults, secrets, the Default Entity ID, the shared token, often a
    // partner-wide one) is the provider's: a customer organization without a mapping has nothing
    // configured. Decided before the token is looked up, so none is fetched for it.
    if !merged.mapped && !caller.provider {
        return Err(ApiError::IntegrationNotConfigured(name));
    }
    let token = services.merged_config_token(&merged).await?;
    let token_expires_at = token.as_ref().map(|token| token.expires_at);
    let resolved = ResolvedIntegration {
        name: merged.integration_name,
        entity_id: merged.entity_id,
        entity_name: merged.entity_name,
        organization: scope
            .organization
            .map(|(id, name)| ScopeOrganization { id, name }),
        mapped: merged.mapped,
        config: merged.config,
        oauth: token.map(access_of),
        missing_required: merged.missing_required,
    };
    let body = Bytes::from(serde_json::to_vec(&resolved).map_err(|error| {
        tracing::error!(%error, "a resolved integration could not be serialized");
        ApiError::Internal
    })?);
    services.keep_answer(
        answer_key,
        CachedAnswer {
            generation,
            caller,
            token_expires_at,
            body: body.clone(),
        },
    );
    Ok(json_body(body))
}

fn json_body(body: Bytes) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MappingsQuery {
    /// From 1.
    pub page: Option<i64>,
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
    pub organization_id: i64,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
}

/// The organizations mapped in an integration, by name. A customer key sees only its own.
#[utoipa::path(
    get,
    path = "/api/v1/integrations/{name}/mappings",
    tag = "integrations",
    params(("name" = String, Path, description = "The integration's name, in any case"), MappingsQuery),
    responses(
        (status = 200, description = "One page of mappings", body = MappingPage),
        (status = 401, description = "No, an unknown, a revoked or an expired key", body = ErrorBody),
        (status = 404, description = "Unknown integration", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list_mappings(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
    query: Result<Query<MappingsQuery>, QueryRejection>,
) -> Result<Json<MappingPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::BadRequest("page must be 1 or more".into()));
    }
    let services = &state.services;
    let integration = services
        .store()
        .find_integration_by_name(name.trim())
        .await?
        .ok_or_else(|| ApiError::IntegrationNotFound(name.clone()))?;
    if !caller.provider {
        let own = services
            .store()
            .find_mapping_of_organization(integration.id, caller.organization_id)
            .await?;
        let items: Vec<MappedOrganization> = own
            .into_iter()
            .map(|row| MappedOrganization {
                organization_id: row.organization_id,
                organization_name: row.organization_name,
                entity_id: row.entity_id,
                entity_name: row.entity_name,
            })
            .collect();
        let total = i64::try_from(items.len()).unwrap_or(0);
        return Ok(Json(MappingPage {
            items,
            page: 1,
            per_page: 1,
            total,
        }));
    }
    let paged = services
        .mappings(integration.id, "", page)
        .await
        .map_err(|error| from_app(error, &name))?;
    Ok(Json(MappingPage {
        items: paged
            .items
            .into_iter()
            .map(|mapping| MappedOrganization {
                organization_id: mapping.organization_id,
                organization_name: mapping.organization_name,
                entity_id: mapping.entity_id,
                entity_name: mapping.entity_name,
            })
            .collect(),
        page: paged.page,
        per_page: paged.per_page,
        total: paged.total,
    }))
}
