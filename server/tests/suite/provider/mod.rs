//! An in-process OAuth provider on a loopback port, for the token tests: code exchange (recording
//! the PKCE verifier), refresh with rotation (a used refresh token is refused with
//! `invalid_grant`), client credentials under `/{tenant}/token`, revocation, and switchable faults.
//! Every token it issues starts with `canary-`, so tests can grep storage for plaintext.

use app::domain::ids::{IntegrationId, MappingId};
use app::ssr::OAuthTokenServices;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use axum::Router;

mod endpoints;

use endpoints::{echo, revoke, tenant_token, token};

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
    /// The tenant of each client-credentials request (its path) and each `/token?realm=` request.
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
    integration_id: IntegrationId,
    mapping_id: Option<MappingId>,
) -> (String, bifrost::services::CallbackOutcome) {
    let url = services
        .start_oauth_connect(admin, session, integration_id, mapping_id)
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
