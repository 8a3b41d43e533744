//! The API caller, from `Authorization: Bearer <key>`.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::services::api_keys::ApiCaller;
use crate::services::workflow_api::WorkflowError;
use crate::startup::AppState;

/// The key a request carries, not yet checked; a request without one is refused with 401.
pub struct BearerKey(pub String);

impl<S: Sync> FromRequestParts<S> for BearerKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .filter(|key| !key.is_empty())
            .map(|key| BearerKey(key.to_string()))
            .ok_or(ApiError::Workflow(WorkflowError::Unauthorized))
    }
}

/// An authenticated API caller.
pub struct Caller(pub ApiCaller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let BearerKey(key) = BearerKey::from_request_parts(parts, state).await?;
        Ok(Caller(state.services.api_caller(&key).await?))
    }
}
