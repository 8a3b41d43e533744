//! The services behind server functions and API handlers: the rules live here, SQL stays in the
//! store. Store errors are logged once here and reach callers as `AppError`.

mod admins;
pub mod api_keys;
mod audit;
pub mod auth;
mod changes;
pub mod configuration;
mod consent_links;
pub mod demo;
pub mod entity_source;
mod health;
mod integrations;
pub mod key_rotation;
mod mappings;
mod notification_edits;
mod notifications;
mod organizations;
mod reauthentication;
pub mod sessions;
mod status;
mod transfer;
pub mod two_factor;
pub mod values;
pub mod workflow_api;

/// Auto-match's rules, public for the benchmark that times them at scale.
pub use mappings::auto_match;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use app::domain::admin::CurrentAdmin;
use app::error::AppError;

use crate::auth::password::HashingGate;
use crate::auth::throttle::LoginThrottle;
use crate::crypto::Keyring;
use crate::oauth::outbound::OutboundPolicy;
use crate::oauth::{OAuthClient, PROVIDER_TIMEOUT};
use crate::store::audit::Actor;
use crate::store::{Store, StoreError};

pub use crate::oauth::{CallbackOutcome, CallbackQuery, FreshToken, TokenError};
pub use organizations::ensure_provider_organization;

/// Settings the services need from the server's configuration.
#[derive(Clone, Debug)]
pub struct ServicesConfig {
    /// Whether users reach the server over HTTPS, so cookies get the `Secure` flag.
    pub secure_cookies: bool,
    /// The public base URL without a trailing slash, for OAuth redirect URIs.
    pub public_url: String,
    /// Whether OAuth URLs may use plain http for hosts other than loopback.
    pub allow_plain_http_oauth: bool,
    /// How long one call to an OAuth provider (or a Test Connection request) may take.
    pub provider_timeout: Duration,
    /// The pause before the first retry of a refresh the provider could not answer.
    pub retry_pause: Duration,
    /// Which internal addresses requests made on an admin's behalf may reach.
    pub outbound: OutboundPolicy,
    /// Password hashes that may run at once, and how long a sign-in waits for a slot.
    pub hashing_slots: usize,
    pub hashing_wait: Duration,
    /// A session ends after this long without a request, and after `session_lifetime` in any
    /// case.
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// Every administrator must sign in with a second factor (`BIFROST_REQUIRE_2FA`).
    pub require_two_factor: bool,
    /// Actions that reach every customer ask for the password again after this long.
    pub password_again_after: Duration,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` headers name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl ServicesConfig {
    pub fn new(public_url: &str, allow_plain_http_oauth: bool) -> ServicesConfig {
        ServicesConfig {
            secure_cookies: public_url.starts_with("https://"),
            public_url: public_url.trim_end_matches('/').to_string(),
            allow_plain_http_oauth,
            provider_timeout: PROVIDER_TIMEOUT,
            retry_pause: Duration::from_millis(500),
            outbound: OutboundPolicy::public_only(),
            hashing_slots: HashingGate::slots_for_this_machine(),
            hashing_wait: Duration::from_secs(5),
            trusted_proxies: Vec::new(),
            require_two_factor: false,
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 60 * 60),
            password_again_after: Duration::from_secs(
                app::domain::admin::PASSWORD_AGAIN_AFTER_MINUTES.unsigned_abs() * 60,
            ),
        }
    }

    /// The same settings with another outbound policy.
    pub fn with_outbound(mut self, outbound: OutboundPolicy) -> ServicesConfig {
        self.outbound = outbound;
        self
    }
}

#[derive(Debug)]
pub struct ServerServices {
    pub(crate) store: Store,
    pub(crate) config: ServicesConfig,
    pub(crate) throttle: LoginThrottle,
    pub(crate) hashing: HashingGate,
    pub(crate) keyring: Arc<Keyring>,
    /// Once an administrator exists it always will (the last one cannot be deleted), so the
    /// answer is cached to spare the store a query on every anonymous request.
    pub(crate) setup_done: AtomicBool,
    pub(crate) oauth: OAuthClient,
    pub(crate) refresh_locks: crate::oauth::refresh::RefreshLocks,
    pub(crate) resolve_cache: workflow_api::answer_cache::ResolveCache,
    pub(crate) resolve_index: workflow_api::index::ResolveIndex,
    pub(crate) entity_lists: entity_source::EntityListCache,
    /// Names this process as the holder of a token's refresh lease.
    pub(crate) instance_id: String,
    /// Wakes the alert sender when a delivery is queued.
    pub(crate) alert_wakeup: tokio::sync::Notify,
}

impl ServerServices {
    pub fn new(store: Store, config: ServicesConfig, keyring: Arc<Keyring>) -> Self {
        Self {
            store,
            throttle: LoginThrottle::default(),
            hashing: HashingGate::new(config.hashing_slots, config.hashing_wait),
            keyring,
            setup_done: AtomicBool::new(false),
            // Building the client only fails when the TLS backend cannot start at all.
            oauth: OAuthClient::new(config.provider_timeout, config.outbound.clone())
                .expect("the HTTP client for OAuth providers could not start"),
            refresh_locks: crate::oauth::refresh::RefreshLocks::default(),
            resolve_cache: workflow_api::answer_cache::ResolveCache::default(),
            resolve_index: workflow_api::index::ResolveIndex::default(),
            entity_lists: entity_source::EntityListCache::default(),
            instance_id: crate::auth::session_token::new_token(),
            alert_wakeup: tokio::sync::Notify::new(),
            config,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The password hashing gate, for its figures.
    pub fn password_hashing(&self) -> &HashingGate {
        &self.hashing
    }

    pub fn config(&self) -> &ServicesConfig {
        &self.config
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }
}

/// The audit log's actor for an administrator.
pub fn actor_of(admin: &CurrentAdmin) -> Actor {
    Actor {
        admin_id: Some(admin.id),
        label: admin.email.clone(),
    }
}

/// Logs a store failure with its cause and returns what the caller may see.
pub fn internal(error: StoreError) -> AppError {
    tracing::error!(%error, "store operation failed");
    AppError::Internal
}

/// Every part of the port is implemented in the service module of its area.
impl app::ssr::Services for ServerServices {}
