//! The workflow API under `/api/v1`: JSON, authenticated with `Authorization: Bearer <API key>`.
//! Handlers parse, call the services and map the result; the OpenAPI document is generated from
//! the handlers' annotations, and a readable reference page from that document.

mod auth;
mod docs;
mod error;
mod resolve;
mod scope;

use axum::routing::get;
use axum::Router;

pub use error::ApiError;

use crate::startup::AppState;

/// Every `/api/v1` route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/integrations/{name}",
            get(resolve::resolve_integration),
        )
        .route(
            "/api/v1/integrations/{name}/mappings",
            get(resolve::list_mappings),
        )
        .route("/api/v1/openapi.json", get(docs::openapi_json))
        .route("/api/v1/docs", get(docs::reference_page))
}

/// The OpenAPI document of the workflow API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    docs::ApiDoc::openapi()
}
