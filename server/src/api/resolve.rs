//! `GET /api/v1/integrations/{name}`: an integration resolved in an organization's scope, and
//! `GET /api/v1/integrations/{name}/mappings`: the organizations mapped. The rules are the
//! workflow API service's (`crate::services::workflow_api`).

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::{BearerKey, Caller};
use super::error::{ApiError, ErrorBody};
use crate::services::workflow_api::answers::{MappingPage, ResolvedIntegration};
use crate::services::workflow_api::WorkflowError;
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ResolveQuery {
    /// An organization name, `id:<id>` (a bare number is an id when no organization has it as
    /// its name), or `global`; the key's own organization when absent.
    pub scope: Option<String>,
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
    let Query(query) = query.map_err(bad_query)?;
    state.services.ensure_resolve_index();
    let body = state
        .services
        .resolve_for_workflow(&key, &name, query.scope.as_deref())
        .await?;
    Ok(json_body(body))
}

fn json_body(body: Bytes) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

fn bad_query(rejection: QueryRejection) -> ApiError {
    WorkflowError::BadRequest(rejection.body_text()).into()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MappingsQuery {
    /// From 1.
    pub page: Option<i64>,
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
    let Query(query) = query.map_err(bad_query)?;
    let page = state
        .services
        .workflow_mappings(&caller, &name, query.page)
        .await?;
    Ok(Json(page))
}
