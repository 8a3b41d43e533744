//! An in-process OAuth provider on a loopback port, for the token tests: code exchange (recording
//! the PKCE verifier), refresh with rotation (a used refresh token is refused with
//! `invalid_grant`), client credentials under `/{tenant}/token`, revocation, and switchable faults.
//! Every token it issues starts with `canary-`, so tests can grep storage for plaintext.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

pub const GOOD_CODE: &str = "good-code";
pub const CLIENT_SECRET: &str = "canary-client-secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    ServerError,
    Garbage,
    /// Answers after the given delay.
    Slow(Duration),
}

#[derive(Default)]
pub struct Calls {
    pub code: AtomicUsize,
    pub refresh: AtomicUsize,
    pub client_credentials: AtomicUsize,
    pub revoke: AtomicUsize,
}

pub struct ProviderState {
    pub calls: Calls,
    fault: Mutex<Fault>,
    /// Delay of every successful refresh, so concurrent requests overlap it.
    refresh_delay: Mutex<Duration>,
    expires_in: Mutex<Option<i64>>,
    issued: AtomicUsize,
    valid_refresh_tokens: Mutex<HashSet<String>>,
    last_forms: Mutex<Vec<HashMap<String, String>>>,
    tenants: Mutex<Vec<String>>,
}

pub struct FakeProvider {
    pub base_url: String,
    pub state: Arc<ProviderState>,
}

impl FakeProvider {
    pub async fn start() -> FakeProvider {
        let state = Arc::new(ProviderState {
            calls: Calls::default(),
            fault: Mutex::new(Fault::None),
            refresh_delay: Mutex::new(Duration::ZERO),
            expires_in: Mutex::new(Some(3600)),
            issued: AtomicUsize::new(0),
            valid_refresh_tokens: Mutex::new(HashSet::new()),
            last_forms: Mutex::new(Vec::new()),
            tenants: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/token", post(token))
            .route("/{tenant}/token", post(tenant_token))
            .route("/revoke", post(revoke))
            .route("/api/echo", axum::routing::get(echo))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake provider");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        FakeProvider {
            base_url: format!("http://{address}"),
            state,
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        *self.state.fault.lock().expect("lock") = fault;
    }

    pub fn set_refresh_delay(&self, delay: Duration) {
        *self.state.refresh_delay.lock().expect("lock") = delay;
    }

    pub fn set_expires_in(&self, seconds: Option<i64>) {
        *self.state.expires_in.lock().expect("lock") = seconds;
    }

    /// Forgets every refresh token, as a provider does when consent is revoked.
    pub fn revoke_all_refresh_tokens(&self) {
        self.state
            .valid_refresh_tokens
            .lock()
            .expect("lock")
            .clear();
    }

    pub fn last_form(&self) -> HashMap<String, String> {
        self.state
            .last_forms
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .unwrap_or_default()
    }

    pub fn tenants(&self) -> Vec<String> {
        self.state.tenants.lock().expect("lock").clone()
    }

    pub fn count(&self, counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }
}

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
    }
}

fn issue(state: &ProviderState, with_refresh: bool, scope: Option<&String>) -> Response {
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
        body["refresh_token"] = json!(refresh);
    }
    if let Some(scope) = scope {
        body["scope"] = json!(scope);
    }
    Json(body).into_response()
}

async fn token(
    State(state): State<Arc<ProviderState>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    state.last_forms.lock().expect("lock").push(form.clone());
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
            issue(&state, true, form.get("scope"))
        }
        Some("refresh_token") => {
            state.calls.refresh.fetch_add(1, Ordering::SeqCst);
            if let Some(answer) = faulty(&state).await {
                return answer;
            }
            let delay = *state.refresh_delay.lock().expect("lock");
            tokio::time::sleep(delay).await;
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            // Rotation: a refresh token works once.
            if !state
                .valid_refresh_tokens
                .lock()
                .expect("lock")
                .remove(&presented)
            {
                return oauth_error("invalid_grant");
            }
            issue(&state, true, form.get("scope"))
        }
        _ => oauth_error("unsupported_grant_type"),
    }
}

async fn tenant_token(
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
    state.tenants.lock().expect("lock").push(tenant);
    issue(&state, false, form.get("scope"))
}

async fn revoke(
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
async fn echo(headers: axum::http::HeaderMap) -> String {
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("none");
    format!("{}{authorization}", "x".repeat(1960))
}
