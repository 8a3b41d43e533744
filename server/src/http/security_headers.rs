//! Security headers on every response: no sniffing, no framing, no referrer to other sites, HSTS
//! behind HTTPS, no caching of API answers, and a Content-Security-Policy. The app's pages set their own policy (with the
//! nonce of their inline scripts, see `app::ui::app`); every other response (API JSON, the API
//! reference, static files, probes) gets a policy that allows only this origin's files.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::startup::AppState;

/// For responses that are not app pages: own files only, no inline script, no framing.
pub const FALLBACK_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if api {
        // Answers of the workflow API and server functions can hold secrets: no cache keeps them.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(FALLBACK_POLICY));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Not `no-referrer`: browsers then send `Origin: null` on same-origin form posts, which
    // the same-origin check must refuse.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if state.public_origin.starts_with("https://") {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}
