//! API errors: a stable code and a message, as JSON, with the HTTP status that goes with them.

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::services::TokenError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a valid API key is required: Authorization: Bearer <key>")]
    Unauthorized,
    #[error("this API key acts only for its own organization")]
    Forbidden,
    #[error("no integration is named “{0}”")]
    IntegrationNotFound(String),
    #[error("no organization is “{0}”")]
    OrganizationNotFound(String),
    #[error("“{0}” is not configured for this organization")]
    IntegrationNotConfigured(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the integration's OAuth connection is not connected")]
    OAuthNotConnected,
    #[error("the OAuth token needs reconnecting: {0}")]
    OAuthNeedsReconnect(String),
    #[error("the OAuth provider failed the refresh: {0}")]
    OAuthProvider(String),
    #[error("the server could not answer")]
    Internal,
    #[error("no such API route; see /api/v1/docs")]
    UnknownRoute,
    #[error("{0} is not allowed here; the workflow API answers GET")]
    MethodNotAllowed(String),
}

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, for programs: `unauthorized`, `forbidden`, `integration_not_found`,
    /// `organization_not_found`, `integration_not_configured`, `bad_request`, `oauth_not_connected`, `oauth_needs_reconnect`,
    /// `oauth_provider_error`, `internal`, `not_found`, `method_not_allowed`.
    pub error: &'static str,
    /// For people.
    pub message: String,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::IntegrationNotFound(_) => "integration_not_found",
            ApiError::OrganizationNotFound(_) => "organization_not_found",
            ApiError::IntegrationNotConfigured(_) => "integration_not_configured",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::OAuthNotConnected => "oauth_not_connected",
            ApiError::OAuthNeedsReconnect(_) => "oauth_needs_reconnect",
            ApiError::OAuthProvider(_) => "oauth_provider_error",
            ApiError::Internal => "internal",
            ApiError::UnknownRoute => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::IntegrationNotFound(_)
            | ApiError::OrganizationNotFound(_)
            | ApiError::IntegrationNotConfigured(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::OAuthNotConnected | ApiError::OAuthNeedsReconnect(_) => StatusCode::CONFLICT,
            ApiError::OAuthProvider(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::UnknownRoute => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code(),
            message: self.to_string(),
        };
        (self.status(), Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    /// Logged once here; the caller sees only that the server could not answer.
    fn from(error: StoreError) -> ApiError {
        tracing::error!(%error, "store operation failed");
        ApiError::Internal
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> ApiError {
        match error {
            TokenError::NotConnected => ApiError::OAuthNotConnected,
            TokenError::NeedsReconnect(reason) => ApiError::OAuthNeedsReconnect(reason),
            TokenError::Provider(provider) => ApiError::OAuthProvider(provider.to_string()),
            TokenError::Busy => ApiError::OAuthProvider(error.to_string()),
            TokenError::Store(store) => ApiError::from(store),
        }
    }
}

/// Services errors the API can meet; anything else is internal (already logged).
pub fn from_app(error: AppError, integration: &str) -> ApiError {
    match error {
        AppError::NotFound(_) => ApiError::IntegrationNotFound(integration.to_string()),
        _ => ApiError::Internal,
    }
}
