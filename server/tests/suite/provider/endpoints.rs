//! The fake provider's endpoints: the token endpoint (code exchange and refresh with
//! rotation), client credentials per tenant, revocation, an echo API, and the faults they answer
//! with when one is set.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use super::{Fault, ProviderState, CLIENT_SECRET, GOOD_CODE};

fn oauth_error(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": code }))).into_response()
}

/// The fault's answer, if one is set.
async fn faulty(state: &ProviderState) -> Option<Response> {
    let fault = *state.fault.lock().expect("lock");
    match fault {
        Fault::None => None,
        Fault::ServerError => {
            Some((StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response())
        }
        Fault::Garbage => Some(
            (
                [("content-type", "application/json")],
                "{\"not\": \"a token\"",
            )
                .into_response(),
        ),
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Fault::Huge => {
            let chunks = (0..2048).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024]));
            let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
            Some(([("content-type", "application/json")], body).into_response())
        }
    }
}

/// A new token response; its refresh token (if any) continues `line`, or starts a new one.
fn issue(
    state: &ProviderState,
    with_refresh: bool,
    scope: Option<&String>,
    line: Option<usize>,
) -> Response {
    issue_numbered(state, with_refresh, scope, line).0
}

/// A new token response and its number.
fn issue_numbered(
    state: &ProviderState,
    with_refresh: bool,
    scope: Option<&String>,
    line: Option<usize>,
) -> (Response, usize) {
    let n = state.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let access = format!("canary-access-{n}");
    // An unsigned ID token whose `tid` claim names the tenant, as Microsoft's do.
    let claims =
        URL_SAFE_NO_PAD.encode(json!({ "tid": format!("detected-tenant-{n}") }).to_string());
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "id_token": format!("e30.{claims}.signature"),
    });
    if let Some(seconds) = *state.expires_in.lock().expect("lock") {
        body["expires_in"] = json!(seconds);
    }
    if with_refresh {
        let refresh = format!("canary-refresh-{n}");
        state
            .valid_refresh_tokens
            .lock()
            .expect("lock")
            .insert(refresh.clone());
        let mut lines = state.lines.lock().expect("lock");
        let line = line.unwrap_or_else(|| {
            lines.refreshed_at.push(Vec::new());
            lines.refreshed_at.len() - 1
        });
        lines.of_token.insert(refresh.clone(), line);
        body["refresh_token"] = json!(refresh);
    }
    if let Some(scope) = scope {
        body["scope"] = json!(scope);
    }
    (Json(body).into_response(), n)
}

pub(super) async fn token(
    State(state): State<Arc<ProviderState>>,
    RawQuery(query): RawQuery,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    state.last_forms.lock().expect("lock").push(form.clone());
    // A token URL filled per organization names its realm in the query.
    if let Some(realm) = query
        .as_deref()
        .and_then(|query| query.strip_prefix("realm="))
    {
        state.tenants.lock().expect("lock").push(realm.to_string());
    }
    if form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return oauth_error("invalid_client");
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            state.calls.code.fetch_add(1, Ordering::SeqCst);
            if let Some(answer) = faulty(&state).await {
                return answer;
            }
            if form.get("code").map(String::as_str) != Some(GOOD_CODE) {
                return oauth_error("invalid_grant");
            }
            issue(&state, true, form.get("scope"), None)
        }
        Some("refresh_token") => {
            state.calls.refresh.fetch_add(1, Ordering::SeqCst);
            if let Some(answer) = faulty(&state).await {
                return answer;
            }
            let _in_flight = InFlight::enter(&state.calls.refresh_in_flight);
            // Rotated first, answered after the delay: a client that dies meanwhile has lost
            // the new tokens, as with a real provider.
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            let answer = refresh(&state, &presented, form.get("scope"));
            let delay = *state.refresh_delay.lock().expect("lock");
            tokio::time::sleep(delay).await;
            while state.hold_refreshes.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            answer
        }
        _ => oauth_error("unsupported_grant_type"),
    }
}

/// Counts a request in flight until it is answered or its client goes away.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(gauge: &'a AtomicUsize) -> InFlight<'a> {
        gauge.fetch_add(1, Ordering::SeqCst);
        InFlight(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Rotation: a refresh token works once (or, with a grace period, until its successor is used).
fn refresh(state: &ProviderState, presented: &str, scope: Option<&String>) -> Response {
    let accepted = {
        let mut valid = state.valid_refresh_tokens.lock().expect("lock");
        let mut grace = state.rotation_grace.lock().expect("lock");
        if valid.remove(presented) {
            true
        } else {
            let reused = grace
                .as_mut()
                .and_then(|successors| successors.remove(presented))
                .is_some_and(|successor| valid.remove(&successor));
            if reused {
                state.calls.grace_reuse.fetch_add(1, Ordering::SeqCst);
            }
            reused
        }
    };
    if !accepted {
        state.calls.refused_refresh.fetch_add(1, Ordering::SeqCst);
        return oauth_error("invalid_grant");
    }
    let line = {
        let mut lines = state.lines.lock().expect("lock");
        let line = lines.of_token.get(presented).copied();
        if let Some(line) = line {
            lines.refreshed_at[line].push(std::time::Instant::now());
        }
        line
    };
    let (answer, n) = issue_numbered(state, true, scope, line);
    if let Some(successors) = state.rotation_grace.lock().expect("lock").as_mut() {
        successors.insert(presented.to_string(), format!("canary-refresh-{n}"));
    }
    answer
}

pub(super) async fn tenant_token(
    State(state): State<Arc<ProviderState>>,
    Path(tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    state.last_forms.lock().expect("lock").push(form.clone());
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return oauth_error("invalid_client");
    }
    state
        .calls
        .client_credentials
        .fetch_add(1, Ordering::SeqCst);
    if let Some(answer) = faulty(&state).await {
        return answer;
    }
    state.tenants.lock().expect("lock").push(tenant.clone());
    let (answer, n) = issue_numbered(&state, false, form.get("scope"), None);
    // The tenant's name in the token, so a test sees whose token an organization got.
    let mut body = serde_json::json!({
        "access_token": format!("canary-access-{n}-of-{tenant}"),
        "token_type": "Bearer",
    });
    if let Some(seconds) = *state.expires_in.lock().expect("lock") {
        body["expires_in"] = serde_json::json!(seconds);
    }
    drop(answer);
    Json(body).into_response()
}

pub(super) async fn revoke(
    State(state): State<Arc<ProviderState>>,
    Form(form): Form<HashMap<String, String>>,
) -> StatusCode {
    state.calls.revoke.fetch_add(1, Ordering::SeqCst);
    state.last_forms.lock().expect("lock").push(form.clone());
    if let Some(token) = form.get("token") {
        state
            .valid_refresh_tokens
            .lock()
            .expect("lock")
            .remove(token);
    }
    StatusCode::OK
}

/// An API that echoes the bearer token it was sent, near the end of the excerpt.
pub(super) async fn echo(headers: axum::http::HeaderMap) -> String {
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("none");
    format!("{}{authorization}", "x".repeat(1960))
}
