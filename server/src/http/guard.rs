//! The request guard in front of everything: refuses cross-origin state changes, resolves the
//! session cookie into the signed-in administrator, and keeps anonymous callers out of all but
//! sign-in, setup and static files (401 for the API, a redirect to the sign-in page for pages).

use std::net::SocketAddr;

use app::domain::admin::CurrentAdmin;
use app::error::AppError;
use app::serverfns::auth::PUBLIC_SERVER_FN_PATHS;
use app::ssr::{AuthenticationServices, ClientAddress, SessionToken};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;

use crate::http::client_address::client_address;
use crate::services::sessions::session_cookie_name;
use crate::startup::AppState;

/// Probes and static files: open to anyone, whatever the setup state. The workflow API
/// authenticates its callers itself, with API keys; a consent link's page and the OAuth callback
/// serve customers with no account, and check the link's secret or the state's binding.
fn is_always_open(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/favicon.svg")
        || path.starts_with("/pkg/")
        || path.starts_with("/api/v1/")
        || path.starts_with("/consent/")
        || path.starts_with("/oauth/callback/")
}

/// The pages and server functions that let one sign in or set up.
fn is_sign_in(path: &str) -> bool {
    matches!(path, "/login" | "/login/code" | "/setup") || PUBLIC_SERVER_FN_PATHS.contains(&path)
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if changes_state(request.method()) && !same_origin(request.headers(), &state.public_origin) {
        tracing::warn!(path = request.uri().path(), "cross-origin request refused");
        return error_response(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "cross-origin requests may not change anything",
        );
    }
    // DNS rebinding: a page on another name that resolves here is same-origin with itself, so
    // the origin check above lets it post. Sign-in and setup answer only at the public host.
    if is_sign_in(request.uri().path()) && !for_public_host(request.headers(), &state.public_origin)
    {
        tracing::warn!(
            path = request.uri().path(),
            "sign-in for another host refused"
        );
        return error_response(
            StatusCode::MISDIRECTED_REQUEST,
            "wrong_host",
            "sign-in and setup answer only at the address in BIFROST_PUBLIC_URL",
        );
    }
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let address = client_address(
            peer.ip(),
            request.headers(),
            &state.services.config().trusted_proxies,
        );
        request
            .extensions_mut()
            .insert(ClientAddress(address.to_string()));
    }

    let cookie_name = session_cookie_name(state.services.config().secure_cookies);
    let admin = match cookie_value(request.headers(), cookie_name) {
        Some(token) => match state.services.authenticate(&token).await {
            Ok(Some(admin)) => {
                request.extensions_mut().insert(SessionToken(token));
                Some(admin)
            }
            Ok(None) => None,
            Err(_) => {
                return error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the store is unreachable",
                )
            }
        },
        None => None,
    };
    let path = request.uri().path().to_string();
    match admin {
        Some(admin) => signed_in(&state, admin, request, next, &path).await,
        None => anonymous(&state, request, next, &path).await,
    }
}

/// Where an administrator who must still enrol a second factor may go.
fn is_enrolment(path: &str) -> bool {
    is_always_open(path)
        || path == TWO_FACTOR_PAGE
        || path.starts_with("/api/two-factor/")
        || matches!(path, "/api/auth/logout" | "/api/auth/me")
}

const TWO_FACTOR_PAGE: &str = "/settings/two-factor";

async fn signed_in(
    state: &AppState,
    admin: CurrentAdmin,
    mut request: Request,
    next: Next,
    path: &str,
) -> Response {
    if request.method() == Method::GET && matches!(path, "/login" | "/login/code" | "/setup") {
        return Redirect::to("/").into_response();
    }
    if !is_enrolment(path) {
        match state.services.must_enrol_two_factor(admin.id).await {
            Ok(false) => {}
            Ok(true) if request.method() == Method::GET && !path.starts_with("/api/") => {
                return Redirect::to(TWO_FACTOR_PAGE).into_response();
            }
            Ok(true) => {
                return error_response(
                    StatusCode::FORBIDDEN,
                    "two_factor_required",
                    "set up two-factor sign-in first (Settings > Two-factor sign-in)",
                )
            }
            Err(_) => {
                return error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the store is unreachable",
                )
            }
        }
    }
    request.extensions_mut().insert(admin);
    next.run(request).await
}

async fn anonymous(state: &AppState, request: Request, next: Next, path: &str) -> Response {
    if is_always_open(path) {
        return next.run(request).await;
    }
    let setup_needed = match state.services.setup_needed().await {
        Ok(needed) => needed,
        Err(_) => {
            return error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the store is unreachable",
            )
        }
    };
    let is_page = request.method() == Method::GET && !path.starts_with("/api/");
    if is_page && setup_needed && path != "/setup" {
        return Redirect::to("/setup").into_response();
    }
    if is_page && !setup_needed && path == "/setup" {
        return Redirect::to("/login").into_response();
    }
    if is_sign_in(path) {
        return next.run(request).await;
    }
    if is_page {
        let asked_for = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        return Redirect::to(&format!("/login?next={}", urlencoding::encode(asked_for)))
            .into_response();
    }
    error_response(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        &AppError::Unauthorized.to_string(),
    )
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers send `Origin` on every cross-origin and every POST request; a request without it
/// (or with `Sec-Fetch-Site: same-origin`) is not a cross-site forgery. The origin must be the
/// configured public URL or the host the request was sent to.
fn same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    else {
        let site = headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok());
        return matches!(site, None | Some("same-origin") | Some("none"));
    };
    if origin == public_origin {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    match (origin.split_once("://"), host) {
        (Some((scheme, origin_host)), Some(host)) => {
            matches!(scheme, "http" | "https") && origin_host == host
        }
        _ => false,
    }
}

/// Whether the `Host` header names the public URL's host (and port).
fn for_public_host(headers: &HeaderMap, public_origin: &str) -> bool {
    let public_authority = public_origin
        .split_once("://")
        .map_or(public_origin, |(_, authority)| authority);
    headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(public_authority))
}

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_string())
        .filter(|token| !token.is_empty())
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn the_public_origin_and_the_requested_host_are_same_origin() {
        let public = "https://bifrost.example.com";
        assert!(same_origin(&headers(&[("origin", public)]), public));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            public
        ));
        assert!(same_origin(&headers(&[]), public));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
    }

    #[test]
    fn other_origins_are_refused() {
        let public = "https://bifrost.example.com";
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "bifrost.example.com")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("host", "bifrost.example.com")]),
            public
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            public
        ));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "theme=dark; bifrost_session=abc123; other=1")]);
        assert_eq!(
            cookie_value(&map, "bifrost_session").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            cookie_value(
                &headers(&[("cookie", "bifrost_session=")]),
                "bifrost_session"
            ),
            None
        );
        let https = headers(&[(
            "cookie",
            "bifrost_session=planted; __Host-bifrost_session=real",
        )]);
        assert_eq!(
            cookie_value(&https, "__Host-bifrost_session").as_deref(),
            Some("real"),
            "over https only the prefixed cookie counts"
        );
    }
}
