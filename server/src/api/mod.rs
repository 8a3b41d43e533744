//! The workflow API under `/api/v1`: JSON, authenticated with `Authorization: Bearer <API key>`.
//! Handlers parse, call one method of the workflow API service and map the result; the OpenAPI document is generated from
//! the handlers' annotations, and a readable reference page from that document.

mod auth;
mod docs;
mod error;
mod resolve;

use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{any, get, MethodRouter};
use axum::Router;

pub use error::ApiError;

use crate::startup::AppState;

/// Every `/api/v1` route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/integrations/{name}",
            only_get(get(resolve::resolve_integration)),
        )
        .route(
            "/api/v1/integrations/{name}/mappings",
            only_get(get(resolve::list_mappings)),
        )
        .route("/api/v1/openapi.json", only_get(get(docs::openapi_json)))
        .route("/api/v1/docs", only_get(get(docs::reference_page)))
        // Anything else under /api/v1 is a JSON 404, never the app's HTML page.
        .route("/api/v1/{*rest}", any(unknown_route))
}

/// Other methods on an API route get a JSON 405.
fn only_get(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.fallback(|method: Method| async move {
        ApiError::MethodNotAllowed(method.to_string()).into_response()
    })
}

async fn unknown_route() -> ApiError {
    ApiError::UnknownRoute
}

/// The OpenAPI document of the workflow API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    docs::ApiDoc::openapi()
}
