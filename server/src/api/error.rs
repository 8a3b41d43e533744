//! API errors: a stable code and a message, as JSON, with the HTTP status that goes with them.
//! What the workflow API service refuses is a `WorkflowError`; this layer adds only what HTTP
//! itself can get wrong (an unknown route, another method than GET).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::services::workflow_api::WorkflowError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
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
            ApiError::Workflow(refused) => match refused {
                WorkflowError::Unauthorized => "unauthorized",
                WorkflowError::Forbidden => "forbidden",
                WorkflowError::IntegrationNotFound(_) => "integration_not_found",
                WorkflowError::OrganizationNotFound(_) => "organization_not_found",
                WorkflowError::IntegrationNotConfigured(_) => "integration_not_configured",
                WorkflowError::BadRequest(_) => "bad_request",
                WorkflowError::OAuthNotConnected => "oauth_not_connected",
                WorkflowError::OAuthNeedsReconnect(_) => "oauth_needs_reconnect",
                WorkflowError::OAuthProvider(_) => "oauth_provider_error",
                WorkflowError::Internal => "internal",
            },
            ApiError::UnknownRoute => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Workflow(refused) => match refused {
                WorkflowError::Unauthorized => StatusCode::UNAUTHORIZED,
                WorkflowError::Forbidden => StatusCode::FORBIDDEN,
                WorkflowError::IntegrationNotFound(_)
                | WorkflowError::OrganizationNotFound(_)
                | WorkflowError::IntegrationNotConfigured(_) => StatusCode::NOT_FOUND,
                WorkflowError::BadRequest(_) => StatusCode::BAD_REQUEST,
                WorkflowError::OAuthNotConnected | WorkflowError::OAuthNeedsReconnect(_) => {
                    StatusCode::CONFLICT
                }
                WorkflowError::OAuthProvider(_) => StatusCode::BAD_GATEWAY,
                WorkflowError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            },
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
