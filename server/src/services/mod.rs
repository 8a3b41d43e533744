//! The services behind server functions and API handlers: the rules live here, SQL stays in the
//! store. Store errors are logged once here and reach callers as `AppError`.

mod admins;
pub mod api_keys;
mod audit;
pub mod auth;
pub mod configuration;
pub mod demo;
mod integrations;
pub mod key_rotation;
mod mappings;
mod oauth_connections;
mod oauth_flow;
mod oauth_status;
pub mod oauth_tokens;
mod organizations;
mod reauthentication;
pub mod resolve_cache;
mod status;
mod transfer;
pub mod two_factor;
pub mod values;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use app::domain::admin::{AdminView, CurrentAdmin, PasswordProof};
use app::domain::audit::{AuditEntryView, AuditFilter};
use app::domain::organization::{DeletionImpact, OrganizationView};
use app::domain::paging::Paged;
use app::error::AppError;

use crate::auth::password::HashingGate;
use crate::auth::throttle::LoginThrottle;
use crate::crypto::Keyring;
use crate::oauth::outbound::OutboundPolicy;
use crate::oauth::{OAuthClient, PROVIDER_TIMEOUT};
use crate::store::audit::Actor;
use crate::store::{Store, StoreError};

pub use oauth_flow::{CallbackOutcome, CallbackQuery};
pub use oauth_tokens::{FreshToken, TokenError};
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
    store: Store,
    config: ServicesConfig,
    throttle: LoginThrottle,
    hashing: HashingGate,
    keyring: Arc<Keyring>,
    /// Once an administrator exists it always will (the last one cannot be deleted), so the
    /// answer is cached to spare the store a query on every anonymous request.
    setup_done: AtomicBool,
    oauth: OAuthClient,
    refresh_locks: oauth_tokens::RefreshLocks,
    resolve_cache: resolve_cache::ResolveCache,
    /// Names this process as the holder of a token's refresh lease.
    instance_id: String,
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
            refresh_locks: oauth_tokens::RefreshLocks::default(),
            resolve_cache: resolve_cache::ResolveCache::default(),
            instance_id: crate::auth::session_token::new_token(),
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

#[async_trait::async_trait]
impl app::ssr::Services for ServerServices {
    async fn server_status(&self) -> Result<app::domain::status::ServerStatus, AppError> {
        self.status().await
    }

    async fn setup_needed(&self) -> Result<bool, AppError> {
        self.is_setup_needed().await
    }

    async fn setup_first_admin(
        &self,
        form: app::domain::admin::FirstAdminForm<'_>,
        client: Option<&str>,
    ) -> Result<app::ssr::SetCookie, AppError> {
        self.create_first_admin(form, client).await
    }

    async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<app::ssr::SignInStep, AppError> {
        self.sign_in(email, password, client).await
    }

    async fn login_code(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<app::ssr::SetCookie, AppError> {
        self.answer_challenge(challenge, code, client).await
    }

    async fn logout(&self, session_token: Option<&str>) -> Result<app::ssr::SetCookie, AppError> {
        self.sign_out(session_token).await
    }

    async fn organizations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<OrganizationView>, AppError> {
        ServerServices::organizations(self, search, page).await
    }

    async fn create_organization(
        &self,
        admin: &CurrentAdmin,
        name: &str,
    ) -> Result<OrganizationView, AppError> {
        ServerServices::create_organization(self, admin, name).await
    }

    async fn rename_organization(
        &self,
        admin: &CurrentAdmin,
        id: i64,
        name: &str,
    ) -> Result<OrganizationView, AppError> {
        ServerServices::rename_organization(self, admin, id, name).await
    }

    async fn organization_deletion_impact(&self, id: i64) -> Result<DeletionImpact, AppError> {
        ServerServices::organization_deletion_impact(self, id).await
    }

    async fn delete_organization(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError> {
        ServerServices::delete_organization(self, admin, id).await
    }

    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: i64,
    ) -> Result<Paged<AuditEntryView>, AppError> {
        ServerServices::audit_entries(self, filter, page).await
    }

    async fn administrators(&self, admin: &CurrentAdmin) -> Result<Vec<AdminView>, AppError> {
        ServerServices::administrators(self, admin).await
    }

    async fn two_factor_status(
        &self,
        admin: &CurrentAdmin,
    ) -> Result<app::domain::admin::TwoFactorStatus, AppError> {
        self.two_factor_status_of(admin.id).await
    }

    async fn start_two_factor(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
    ) -> Result<app::domain::admin::TwoFactorEnrolment, AppError> {
        self.confirm_recent_password(admin, proof).await?;
        self.begin_two_factor(admin).await
    }

    async fn confirm_two_factor(
        &self,
        admin: &CurrentAdmin,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        self.finish_two_factor(admin, code).await
    }

    async fn disable_two_factor(
        &self,
        admin: &CurrentAdmin,
        password: &str,
        code: &str,
    ) -> Result<(), AppError> {
        self.turn_off_two_factor(admin, password, code).await
    }

    async fn add_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<CurrentAdmin, AppError> {
        self.confirm_recent_password(admin, proof).await?;
        self.add_admin(&actor_of(admin), email, password, confirm)
            .await
    }

    async fn remove_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        id: i64,
    ) -> Result<(), AppError> {
        self.confirm_recent_password(admin, proof).await?;
        ServerServices::remove_administrator(self, admin, id).await
    }

    async fn change_own_password(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        ServerServices::change_own_password(self, admin, session_token, current, new, confirm).await
    }

    async fn authenticate(&self, session_token: &str) -> Result<Option<CurrentAdmin>, AppError> {
        self.admin_of_session(session_token).await
    }
}
