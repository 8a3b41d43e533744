//! The API caller, from `Authorization: Bearer <key>`.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::services::api_keys::ApiCaller;
use crate::startup::AppState;

/// An authenticated API caller; a missing, unknown, revoked or expired key is refused with 401.
pub struct Caller(pub ApiCaller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .filter(|key| !key.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        match state.services.authenticate_api_key(key).await {
            Ok(Some(caller)) => Ok(Caller(caller)),
            Ok(None) => Err(ApiError::Unauthorized),
            Err(_) => Err(ApiError::Internal),
        }
    }
}
