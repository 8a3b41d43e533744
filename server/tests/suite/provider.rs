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
    /// A 2 MB answer, without Content-Length (streamed), to test the client's cap.
    Huge,
}

#[derive(Default)]
pub struct Calls {
    pub code: AtomicUsize,
    pub refresh: AtomicUsize,
    /// Refreshes presenting a refresh token that was already used or never issued.
    pub refused_refresh: AtomicUsize,
    /// Refreshes being answered right now.
    pub refresh_in_flight: AtomicUsize,
    /// Refreshes accepted within the rotation grace (a used refresh token presented again).
    pub grace_reuse: AtomicUsize,
    pub client_credentials: AtomicUsize,
    pub revoke: AtomicUsize,
}

pub struct ProviderState {
    pub calls: Calls,
    fault: Mutex<Fault>,
    /// Delay of every successful refresh, so concurrent requests overlap it.
    refresh_delay: Mutex<Duration>,
    /// While set, refreshes are rotated but not answered.
    hold_refreshes: std::sync::atomic::AtomicBool,
    expires_in: Mutex<Option<i64>>,
    issued: AtomicUsize,
    valid_refresh_tokens: Mutex<HashSet<String>>,
    /// With a grace period, a used refresh token works again until its successor is used (as
    /// Okta's grace period and Auth0's reuse interval allow); the value is that successor.
    rotation_grace: Mutex<Option<HashMap<String, String>>>,
    /// Each grant's line of refresh tokens, and when each line was refreshed.
    lines: Mutex<Lines>,
    last_forms: Mutex<Vec<HashMap<String, String>>>,
    tenants: Mutex<Vec<String>>,
}

/// Which line (one per code grant) each refresh token belongs to, and the times of each line's
/// refreshes.
#[derive(Default)]
struct Lines {
    of_token: HashMap<String, usize>,
    refreshed_at: Vec<Vec<std::time::Instant>>,
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
            hold_refreshes: std::sync::atomic::AtomicBool::new(false),
            expires_in: Mutex::new(Some(3600)),
            issued: AtomicUsize::new(0),
            valid_refresh_tokens: Mutex::new(HashSet::new()),
            rotation_grace: Mutex::new(None),
            lines: Mutex::new(Lines::default()),
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

    /// Refreshes from now on are rotated (the new tokens issued, the old refresh token used up)
    /// and then held unanswered until `hold` is called with `false`.
    pub fn hold_refreshes(&self, hold: bool) {
        self.state.hold_refreshes.store(hold, Ordering::SeqCst);
    }

    /// Lets a used refresh token work again until its successor is used.
    pub fn allow_rotation_grace(&self) {
        *self.state.rotation_grace.lock().expect("lock") = Some(HashMap::new());
    }

    /// For each code grant, the times its refresh tokens were used, in order.
    pub fn refreshes_per_grant(&self) -> Vec<Vec<std::time::Instant>> {
        self.state.lines.lock().expect("lock").refreshed_at.clone()
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

/// A query parameter of a URL (the `state` of an authorization URL); empty when absent.
pub fn query_param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .expect("authorization URL")
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.to_string())
        .unwrap_or_default()
}

/// Connect at this provider as the admin's browser would: start, consent (the good code), and
/// the callback. Returns the authorization URL and the callback's outcome.
pub async fn connect_with_consent(
    services: &bifrost::services::ServerServices,
    admin: &app::domain::admin::CurrentAdmin,
    session: &str,
    connection_name: &str,
    integration_id: i64,
    mapping_id: Option<i64>,
) -> (String, bifrost::services::CallbackOutcome) {
    let url = services
        .start_connect(admin, session, integration_id, mapping_id)
        .await
        .expect("start");
    let outcome = services
        .complete_authorization(
            admin,
            session,
            connection_name,
            &bifrost::services::CallbackQuery {
                code: Some(GOOD_CODE.into()),
                state: Some(query_param(&url, "state")),
                error: None,
            },
        )
        .await
        .expect("callback");
    (url, outcome)
}
