//! The Connect flow and token lifecycle against an in-process provider, on both backends: state
//! bound to the session, single-use and expiring; the PKCE verifier sent; tokens sealed at
//! rest; refresh on expiry with rotation stored; `invalid_grant`; provider faults; exactly one
//! refresh for 100 concurrent requests across two server instances; client credentials per
//! organization with `{entity_id}` in the token URL; Disconnect with revocation.

use std::sync::Arc;
use std::time::Duration;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{IntegrationDraft, MappingDraft};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::{IntegrationServices, MappingServices, OAuthServices, OAuthTokenServices};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bifrost::crypto::Keyring;
use bifrost::oauth::outbound::OutboundPolicy;
use bifrost::services::{
    CallbackOutcome, CallbackQuery, ServerServices, ServicesConfig, TokenError,
};
use bifrost::store::admins::NewAdmin;
use bifrost::store::audit::Actor;
use bifrost::store::mappings::{MappingAudit, MappingColumn};
use bifrost::store::{Store, StoreError};
use sha2::{Digest, Sha256};

use crate::helpers::{test_keyring, TestDb};
use crate::provider::{
    connect_with_consent, query_param, FakeProvider, Fault, CLIENT_SECRET, GOOD_CODE,
};

const SESSION: &str = "session-token-of-the-admin";
const CONNECTION: &str = "Halo_Auth";

/// The services as the server builds them, with short provider timeouts for the fault tests.
fn services(store: &Store, keyring: Arc<Keyring>) -> ServerServices {
    services_with(store, keyring, OutboundPolicy::allow_private_network())
}

/// The services with the given outbound policy.
pub(super) fn services_with(
    store: &Store,
    keyring: Arc<Keyring>,
    outbound: OutboundPolicy,
) -> ServerServices {
    let mut config = ServicesConfig::new("http://127.0.0.1:3000", false).with_outbound(outbound);
    config.provider_timeout = Duration::from_secs(2);
    config.retry_pause = Duration::from_millis(10);
    ServerServices::new(store.clone(), config, keyring)
}

/// A signed-in administrator (a real row: authorizations reference it).
async fn admin(store: &Store) -> CurrentAdmin {
    let row = store
        .insert_admin(
            NewAdmin {
                email: "admin@example.com",
                email_key: "admin@example.com",
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            },
            &Actor {
                admin_id: None,
                label: "test".into(),
            },
            1,
        )
        .await
        .expect("admin");
    CurrentAdmin {
        id: row.id,
        email: row.email,
    }
}

pub(super) struct Setup {
    pub services: ServerServices,
    pub keyring: Arc<Keyring>,
    pub admin: CurrentAdmin,
    pub integration_id: i64,
    pub connection_id: i64,
}

/// An integration linked to a connection at the fake provider.
pub(super) async fn setup(store: &Store, provider: &FakeProvider, grant_type: GrantType) -> Setup {
    let keyring = test_keyring();
    let services = services(store, keyring.clone());
    let admin = admin(store).await;
    let token_url = match grant_type {
        GrantType::AuthorizationCode => format!("{}/token", provider.base_url),
        GrantType::ClientCredentials => format!("{}/{{entity_id}}/token", provider.base_url),
    };
    let connection = services
        .create_oauth_connection(
            &admin,
            &OAuthConnectionDraft {
                name: CONNECTION.into(),
                grant_type,
                authorization_url: format!("{}/authorize?tenant=x", provider.base_url),
                token_url,
                client_id: "bifrost-test".into(),
                client_secret: SecretChange::Set(CLIENT_SECRET.into()),
                scopes: "api.read offline_access".into(),
                pkce: true,
                extra_parameters: "prompt=consent".into(),
                audience: String::new(),
                revocation_url: format!("{}/revoke", provider.base_url),
                entity_id_source: "id_token:tid".into(),
                opened_at_version: None,
            },
        )
        .await
        .expect("connection");
    let integration = services
        .create_integration(
            &admin,
            &IntegrationDraft {
                name: "HaloPSA".into(),
                description: String::new(),
                entity_id_name: "Tenant ID".into(),
                default_entity_id: "global-tenant".into(),
                fields: Vec::new(),
                confirm_field_removal: false,
                opened_at_version: None,
            },
        )
        .await
        .expect("integration");
    services
        .link_oauth_connection(&admin, integration.id, Some(connection.id))
        .await
        .expect("link");
    Setup {
        services,
        keyring,
        admin,
        integration_id: integration.id,
        connection_id: connection.id,
    }
}

/// A new organization mapped to `tenant`: its id and the mapping's.
pub(super) async fn mapped_organization(setup: &Setup, name: &str, tenant: &str) -> (i64, i64) {
    let organization = setup
        .services
        .create_organization(&setup.admin, name)
        .await
        .expect("organization");
    let mapping = setup
        .services
        .create_mapping(
            &setup.admin,
            setup.integration_id,
            &MappingDraft {
                organization_id: organization.id,
                entity_id: tenant.into(),
                entity_name: String::new(),
                overrides: Vec::new(),
            },
        )
        .await
        .expect("mapping");
    (organization.id, mapping.id)
}

/// Connect for the shared token, as the browser would: the provider URL it is sent to.
async fn start(setup: &Setup) -> String {
    setup
        .services
        .start_connect(&setup.admin, SESSION, setup.integration_id, None)
        .await
        .expect("start")
}

/// Connect, as the browser would: start, then come back with the provider's code.
pub(super) async fn connect(setup: &Setup, mapping_id: Option<i64>) -> (String, CallbackOutcome) {
    connect_with_consent(
        &setup.services,
        &setup.admin,
        SESSION,
        CONNECTION,
        setup.integration_id,
        mapping_id,
    )
    .await
}

/// The access token the integration uses in a scope (`None`: global), fresh, as text.
async fn access_token_text(setup: &Setup, organization: Option<i64>) -> String {
    use secrecy::ExposeSecret;
    setup
        .services
        .integration_token(setup.integration_id, organization)
        .await
        .expect("a fresh token")
        .expect("an OAuth connection")
        .access_token
        .expose_secret()
        .to_string()
}

async fn expire_tokens(store: &Store, at: i64) {
    sqlx::query("UPDATE oauth_tokens SET expires_at = $1")
        .bind(at)
        .execute(store.raw_pool())
        .await
        .expect("expire");
}

fn now() -> i64 {
    bifrost::time::now_millis()
}

/// Every stored text that could hold a secret, for plaintext checks.
async fn stored_texts(store: &Store) -> Vec<String> {
    let mut texts = Vec::new();
    for sql in [
        "SELECT COALESCE(access_token, '') || ' ' || COALESCE(refresh_token, '') || ' ' || scopes || ' ' || last_error FROM oauth_tokens",
        "SELECT COALESCE(client_secret, '') FROM oauth_connections",
        "SELECT COALESCE(pkce_verifier, '') || ' ' || state_hash FROM oauth_states",
        "SELECT changes FROM audit_log",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(store.raw_pool())
            .await
            .expect("stored texts");
        texts.extend(rows);
    }
    texts
}

async fn connect_stores_sealed_tokens_after_sending_the_pkce_verifier(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (url, outcome) = connect(&setup, None).await;

    assert!(
        url.starts_with(&format!("{}/authorize?tenant=x&", provider.base_url)),
        "{url}"
    );
    assert_eq!(query_param(&url, "code_challenge_method"), "S256");
    assert_eq!(query_param(&url, "prompt"), "consent");
    assert_eq!(query_param(&url, "scope"), "api.read offline_access");
    assert_eq!(
        query_param(&url, "redirect_uri"),
        "http://127.0.0.1:3000/oauth/callback/Halo_Auth"
    );
    assert_eq!(
        outcome,
        CallbackOutcome::Return("/settings/integrations/HaloPSA/oauth?oauth=connected".into())
    );
    let form = provider.last_form();
    let verifier = form.get("code_verifier").expect("the verifier was sent");
    assert_eq!(
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        query_param(&url, "code_challenge")
    );
    assert_eq!(
        form.get("scope").map(String::as_str),
        Some("api.read offline_access")
    );

    let view = setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("status")
        .expect("linked");
    let shared = view.shared.expect("shared token");
    assert_eq!(shared.state, app::domain::oauth::TokenState::Connected);
    assert_eq!(shared.scopes, vec!["api.read", "offline_access"]);
    assert_eq!(shared.connected_by, "admin@example.com");
    assert!(shared.has_refresh_token);
    let token = setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("token")
        .expect("oauth");
    use secrecy::ExposeSecret;
    assert_eq!(token.access_token.expose_secret(), "canary-access-1");
    assert!(!format!("{token:?}").contains("canary"));
    for text in stored_texts(&store).await {
        assert!(!text.contains("canary"), "plaintext secret stored: {text}");
    }
    assert!(!stored_texts(&store)
        .await
        .iter()
        .any(|t| t.contains(verifier)));
}

async fn a_state_works_once_in_its_own_session_and_not_after_expiry(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let url = start(&setup).await;
    let callback = |state: &str| CallbackQuery {
        code: Some(GOOD_CODE.into()),
        state: Some(state.to_string()),
        error: None,
    };
    let state = query_param(&url, "state");
    let foreign = setup
        .services
        .complete_authorization(
            &setup.admin,
            "another-session",
            CONNECTION,
            &callback(&state),
        )
        .await
        .expect("foreign");
    assert!(
        matches!(foreign, CallbackOutcome::Refused { status: 403, .. }),
        "{foreign:?}"
    );
    let unknown = setup
        .services
        .complete_authorization(
            &setup.admin,
            SESSION,
            CONNECTION,
            &callback("unknown-state"),
        )
        .await
        .expect("unknown");
    assert!(
        matches!(unknown, CallbackOutcome::Refused { status: 400, message } if message.contains("unknown"))
    );
    let first = setup
        .services
        .complete_authorization(&setup.admin, SESSION, CONNECTION, &callback(&state))
        .await
        .expect("first");
    assert!(matches!(first, CallbackOutcome::Return(_)), "{first:?}");
    let replay = setup
        .services
        .complete_authorization(&setup.admin, SESSION, CONNECTION, &callback(&state))
        .await
        .expect("replay");
    assert!(
        matches!(replay, CallbackOutcome::Refused { status: 400, .. }),
        "{replay:?}"
    );
    assert_eq!(provider.count(&provider.state.calls.code), 1);

    let url = start(&setup).await;
    let wrong_connection = setup
        .services
        .complete_authorization(
            &setup.admin,
            SESSION,
            "Other",
            &callback(&query_param(&url, "state")),
        )
        .await
        .expect("wrong connection");
    assert!(
        matches!(wrong_connection, CallbackOutcome::Refused { status: 400, message } if message.contains("another OAuth connection"))
    );

    let url = start(&setup).await;
    sqlx::query("UPDATE oauth_states SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("age the state");
    let expired = setup
        .services
        .complete_authorization(
            &setup.admin,
            SESSION,
            CONNECTION,
            &callback(&query_param(&url, "state")),
        )
        .await
        .expect("expired");
    assert!(
        matches!(expired, CallbackOutcome::Refused { status: 400, message } if message.contains("expired"))
    );
    assert_eq!(provider.count(&provider.state.calls.code), 1);
}

async fn denied_consent_and_failed_exchanges_change_nothing(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let url = start(&setup).await;
    let denied = setup
        .services
        .complete_authorization(
            &setup.admin,
            SESSION,
            CONNECTION,
            &CallbackQuery {
                code: None,
                state: Some(query_param(&url, "state")),
                error: Some("access_denied".into()),
            },
        )
        .await
        .expect("denied");
    assert_eq!(
        denied,
        CallbackOutcome::Return(
            "/settings/integrations/HaloPSA/oauth?oauth_error=denied&reason=access_denied".into()
        )
    );
    for (fault, expected) in [
        (Fault::ServerError, "oauth_error=unavailable"),
        (
            Fault::Garbage,
            "oauth_error=exchange&reason=invalid_response",
        ),
    ] {
        provider.set_fault(fault);
        let (_, outcome) = connect(&setup, None).await;
        assert!(
            matches!(&outcome, CallbackOutcome::Return(path) if path.ends_with(expected)),
            "{outcome:?}"
        );
    }
    let tokens: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM oauth_tokens WHERE access_token IS NOT NULL")
            .fetch_one(store.raw_pool())
            .await
            .expect("count");
    assert_eq!(tokens, 0);
}

async fn an_expiring_token_is_refreshed_with_its_rotation_stored(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;

    // Fresh: no refresh.
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("fresh");
    assert_eq!(provider.count(&provider.state.calls.refresh), 0);

    // Within the margin: refreshed, with the scopes sent again.
    expire_tokens(&store, now() + 60_000).await;
    assert_eq!(access_token_text(&setup, None).await, "canary-access-2");
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
    let form = provider.last_form();
    assert_eq!(
        form.get("refresh_token").map(String::as_str),
        Some("canary-refresh-1")
    );
    assert_eq!(
        form.get("scope").map(String::as_str),
        Some("api.read offline_access")
    );

    // The rotated refresh token was stored: the next refresh presents it (the old one is dead).
    expire_tokens(&store, now() - 1).await;
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("again");
    assert_eq!(
        provider
            .last_form()
            .get("refresh_token")
            .map(String::as_str),
        Some("canary-refresh-2")
    );

    // A provider that forgot the grant: Needs reconnect, with the record kept.
    provider.revoke_all_refresh_tokens();
    expire_tokens(&store, now() - 1).await;
    let refused = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(
        matches!(refused, Err(TokenError::NeedsReconnect(_))),
        "{refused:?}"
    );
    let (status, kept): (String, Option<String>) =
        sqlx::query_as("SELECT status, refresh_token FROM oauth_tokens")
            .fetch_one(store.raw_pool())
            .await
            .expect("row");
    assert_eq!(status, "needs_reconnect");
    assert!(kept.is_some());
    let view = setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("view")
        .expect("linked");
    assert!(view
        .shared
        .expect("shared")
        .last_error
        .contains("invalid_grant"));
    // Reconnecting restores it.
    connect(&setup, None).await;
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("reconnected");
}

/// Ends the pause after a failed refresh, as 30 seconds would.
async fn end_backoff(store: &Store) {
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(store.raw_pool())
        .await
        .expect("end the backoff");
}

async fn provider_faults_keep_the_tokens_and_recover(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    expire_tokens(&store, now() - 1).await;

    provider.set_fault(Fault::ServerError);
    let failed = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(matches!(failed, Err(TokenError::Provider(_))), "{failed:?}");
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "retried with backoff"
    );

    // Within the backoff no new call, whoever asks.
    let paused = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(matches!(paused, Err(TokenError::Provider(_))), "{paused:?}");
    assert_eq!(provider.count(&provider.state.calls.refresh), 3);

    end_backoff(&store).await;
    provider.set_fault(Fault::Garbage);
    let garbage = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(
        matches!(garbage, Err(TokenError::Provider(_))),
        "{garbage:?}"
    );

    end_backoff(&store).await;
    provider.set_fault(Fault::Slow(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    let slow = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(matches!(slow, Err(TokenError::Provider(_))), "{slow:?}");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "bounded by the timeout"
    );

    let (status, refresh): (String, Option<String>) =
        sqlx::query_as("SELECT status, refresh_token FROM oauth_tokens")
            .fetch_one(store.raw_pool())
            .await
            .expect("row");
    assert_eq!(status, "connected");
    assert!(refresh.is_some(), "nothing discarded");

    // Provider back, still within the pause: requests and the background pass keep waiting it
    // out (no call), while an administrator's Refresh now tries at once, stores the new token
    // and clears the error.
    provider.set_fault(Fault::None);
    let calls = provider.count(&provider.state.calls.refresh);
    let paused = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(matches!(paused, Err(TokenError::Provider(_))), "{paused:?}");
    assert_eq!(
        setup
            .services
            .refresh_expiring_tokens()
            .await
            .expect("pass"),
        0
    );
    assert_eq!(provider.count(&provider.state.calls.refresh), calls);
    let token_id: i64 = sqlx::query_scalar("SELECT id FROM oauth_tokens")
        .fetch_one(store.raw_pool())
        .await
        .expect("token");
    let view = setup
        .services
        .refresh_oauth_token(&setup.admin, setup.integration_id, token_id)
        .await
        .expect("refreshed now");
    assert_eq!(provider.count(&provider.state.calls.refresh), calls + 1);
    assert!(view.last_error.is_empty(), "{}", view.last_error);
    assert!(view.expires_at.is_some_and(|at| at > now()));
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("recovered");
}

/// A server killed while refreshing leaves its lease behind: requests elsewhere are served the
/// still-valid token at once, and a token that runs out is refreshed once the lease ends.
async fn a_lease_left_by_a_dead_server_holds_no_request(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    let leave_lease = |expires_at: i64, lease_until: i64| {
        sqlx::query(
            "UPDATE oauth_tokens SET expires_at = $1, lease_owner = 'killed-server', lease_until = $2",
        )
        .bind(expires_at)
        .bind(lease_until)
        .execute(store.raw_pool())
    };

    // Due for a refresh (2 minutes left) but leased for 50 s by the dead server: served now.
    leave_lease(now() + 120_000, now() + 50_000)
        .await
        .expect("lease");
    let started = std::time::Instant::now();
    assert_eq!(access_token_text(&setup, None).await, "canary-access-1");
    // Not held until the lease runs out (50 s).
    assert!(started.elapsed() < Duration::from_secs(5), "held");
    assert_eq!(provider.count(&provider.state.calls.refresh), 0);

    // Nearly expired, the lease ending in a second: waits for it, then refreshes once.
    leave_lease(now() + 5_000, now() + 1_000)
        .await
        .expect("lease");
    assert_eq!(access_token_text(&setup, None).await, "canary-access-2");
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
}

/// The refresh lease: never taken from a live refresh (even to end a pause), the pause after a
/// failure ended only when asked, and a lapsed lease free for anyone.
async fn a_refresh_lease_is_never_taken_from_a_live_refresh(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    let (id, version): (i64, i64) = sqlx::query_as("SELECT id, version FROM oauth_tokens")
        .fetch_one(store.raw_pool())
        .await
        .expect("token");
    let lease = |owner: &'static str, until: i64| {
        sqlx::query("UPDATE oauth_tokens SET lease_owner = $1, lease_until = $2")
            .bind(owner)
            .bind(until)
            .execute(store.raw_pool())
    };
    let acquire = |end_pause: bool| {
        store.acquire_refresh_lease(
            id,
            version,
            "this-server",
            (now(), now() + 50_000),
            end_pause,
        )
    };
    lease("other-server", now() + 50_000).await.expect("lease");
    assert!(
        !acquire(true).await.expect("acquire"),
        "another server's refresh"
    );
    lease("backoff", now() + 30_000).await.expect("pause");
    assert!(
        !acquire(false).await.expect("acquire"),
        "the pause is respected"
    );
    assert!(
        acquire(true).await.expect("acquire"),
        "the pause is ended when asked"
    );
    lease("other-server", now() - 1).await.expect("lapsed");
    assert!(
        acquire(false).await.expect("acquire"),
        "a lapsed lease is free"
    );
}

async fn requests_waiting_on_a_failing_refresh_do_not_repeat_it(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    expire_tokens(&store, now() - 1).await;
    provider.set_fault(Fault::ServerError);
    let integration_id = setup.integration_id;
    let services = Arc::new(setup.services);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let services = services.clone();
        tasks.push(tokio::spawn(async move {
            services.integration_token(integration_id, None).await
        }));
    }
    for task in tasks {
        let outcome = task.await.expect("task");
        assert!(
            matches!(outcome, Err(TokenError::Provider(_))),
            "{outcome:?}"
        );
    }
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "one series of attempts"
    );

    // A token without a refresh token that is still valid is served, not marked for reconnecting.
    sqlx::query("UPDATE oauth_tokens SET refresh_token = NULL, lease_owner = NULL, lease_until = NULL, expires_at = $1")
        .bind(now() + 60_000)
        .execute(store.raw_pool())
        .await
        .expect("drop the refresh token");
    services
        .integration_token(integration_id, None)
        .await
        .expect("still valid");
    expire_tokens(&store, now() - 1).await;
    let expired = services.integration_token(integration_id, None).await;
    assert!(
        matches!(expired, Err(TokenError::NeedsReconnect(_))),
        "{expired:?}"
    );
}

async fn test_connection_sends_the_token_and_never_shows_it(store: Store) {
    use app::domain::integration::{FieldType, SchemaField, ValueChange, ValueInput};
    use app::ssr::ConfigurationServices;
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let integration = setup
        .services
        .integration("HaloPSA")
        .await
        .expect("integration");
    let mut draft = integration.to_draft();
    draft.fields.push(SchemaField {
        id: None,
        key: "base_url".into(),
        field_type: FieldType::String,
        required: true,
        description: String::new(),
    });
    setup
        .services
        .update_integration(&setup.admin, setup.integration_id, &draft)
        .await
        .expect("schema");
    let missing = setup
        .services
        .test_connection(setup.integration_id, None, "/api/echo")
        .await;
    assert!(missing
        .expect_err("no base_url")
        .for_field("path")
        .is_some_and(|m| m.contains("base_url")));
    setup
        .services
        .save_defaults(
            &setup.admin,
            setup.integration_id,
            &[ValueInput {
                key: "base_url".into(),
                change: ValueChange::Set(provider.base_url.clone()),
            }],
        )
        .await
        .expect("base_url");
    let not_connected = setup
        .services
        .test_connection(setup.integration_id, None, "/api/echo")
        .await;
    assert!(not_connected.is_err(), "no token yet");
    connect(&setup, None).await;
    let result = setup
        .services
        .test_connection(setup.integration_id, None, "/api/echo")
        .await
        .expect("test");
    assert_eq!(result.status, 200);
    assert_eq!(result.url, format!("{}/api/echo", provider.base_url));
    assert!(
        result.body_excerpt.ends_with("Bearer [access token]"),
        "{}",
        result.body_excerpt
    );
    assert!(!result.body_excerpt.contains("canary"));
    let refused = setup
        .services
        .test_connection(setup.integration_id, None, "https://evil.example/x")
        .await;
    assert!(refused.is_err());
}

async fn client_credentials_get_a_token_per_organization_with_its_entity_id(store: Store) {
    let provider = FakeProvider::start().await;
    // An answer without expires_in gets the documented default lifetime (one hour).
    provider.set_expires_in(None);
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let mut organizations = Vec::new();
    for (name, tenant) in [("Contoso", "tenant-a"), ("Fabrikam", "tenant-b")] {
        organizations.push(mapped_organization(&setup, name, tenant).await.0);
    }
    use secrecy::ExposeSecret;
    let a = setup
        .services
        .integration_token(setup.integration_id, Some(organizations[0]))
        .await
        .expect("a")
        .expect("oauth");
    let b = setup
        .services
        .integration_token(setup.integration_id, Some(organizations[1]))
        .await
        .expect("b")
        .expect("oauth");
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("global");
    assert_ne!(
        a.access_token.expose_secret(),
        b.access_token.expose_secret()
    );
    assert_eq!(
        provider.tenants(),
        vec!["tenant-a", "tenant-b", "global-tenant"]
    );
    // Cached until it expires.
    setup
        .services
        .integration_token(setup.integration_id, Some(organizations[0]))
        .await
        .expect("cached");
    assert_eq!(provider.count(&provider.state.calls.client_credentials), 3);
    let expiries: Vec<i64> = sqlx::query_scalar("SELECT expires_at FROM oauth_tokens")
        .fetch_all(store.raw_pool())
        .await
        .expect("expiries");
    for expires_at in expiries {
        let lifetime = expires_at - now();
        assert!((3_500_000..=3_600_000).contains(&lifetime), "{lifetime}");
    }
    for text in stored_texts(&store).await {
        assert!(!text.contains("canary"), "plaintext secret stored: {text}");
    }
}

/// A client-credentials grant for the old tenant is still in flight at a slow provider when the
/// mapping's entity ID changes: its token must not be stored for the new tenant.
async fn a_grant_in_flight_for_an_old_entity_is_not_stored_for_the_new_one(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    provider.set_fault(Fault::Slow(Duration::from_millis(800)));
    let in_flight = access_token_text(&setup, Some(organization));
    let moved_meanwhile = async {
        while provider.count(&provider.state.calls.client_credentials) == 0 {
            tokio::task::yield_now().await;
        }
        setup
            .services
            .update_mapping(
                &setup.admin,
                setup.integration_id,
                mapping,
                &MappingDraft {
                    organization_id: organization,
                    entity_id: "tenant-b".into(),
                    entity_name: String::new(),
                    overrides: Vec::new(),
                },
            )
            .await
            .expect("new entity");
        access_token_text(&setup, Some(organization)).await
    };
    let (_, after_the_move) = tokio::join!(in_flight, moved_meanwhile);
    assert!(after_the_move.ends_with("-of-tenant-b"), "{after_the_move}");
    provider.set_fault(Fault::None);
    let stored = access_token_text(&setup, Some(organization)).await;
    assert!(stored.ends_with("-of-tenant-b"), "{stored}");
}

/// Deleting a mapping (whose organization's token nothing else links), an organization or a
/// connection revokes the tokens that go with it, each revocation in the audit log.
async fn removing_a_mapping_an_organization_or_a_connection_revokes_its_tokens(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (_, mapping_a) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let (organization_b, mapping_b) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;
    connect(&setup, None).await;
    connect(&setup, Some(mapping_a)).await;
    connect(&setup, Some(mapping_b)).await;
    let revoked = |count: usize, token: &str, what: &str| {
        assert_eq!(
            provider.count(&provider.state.calls.revoke),
            count,
            "{what}"
        );
        assert_eq!(
            provider.last_form().get("token").map(String::as_str),
            Some(token),
            "{what}"
        );
    };
    assert_eq!(provider.count(&provider.state.calls.revoke), 0);
    let services = &setup.services;
    services
        .delete_mapping(&setup.admin, setup.integration_id, mapping_a)
        .await
        .expect("delete mapping");
    revoked(1, "canary-refresh-2", "the mapping's own token");
    services
        .delete_organization(&setup.admin, organization_b)
        .await
        .expect("delete organization");
    revoked(2, "canary-refresh-3", "the organization's token");
    services
        .delete_oauth_connection(&setup.admin, setup.connection_id)
        .await
        .expect("delete connection");
    revoked(3, "canary-refresh-1", "the shared token");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE action = 'oauth_token.revoke' ORDER BY id",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("audit");
    assert_eq!(audited.len(), 3);
    for changes in audited {
        assert!(changes.contains("revoked at the provider"), "{changes}");
        assert!(!changes.contains("canary"), "{changes}");
    }
}

/// A consent asked for one tenant that completes after the mapping moved to another does not
/// link its token to the mapping; adopting a detected entity ID over a mapping changed since it
/// was read is refused.
async fn mapping_links_are_written_only_over_the_mapping_as_it_was_read(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let move_to = |tenant: &'static str| {
        let services = &setup.services;
        let admin = &setup.admin;
        let integration_id = setup.integration_id;
        async move {
            services
                .update_mapping(
                    admin,
                    integration_id,
                    mapping,
                    &MappingDraft {
                        organization_id: organization,
                        entity_id: tenant.into(),
                        entity_name: String::new(),
                        overrides: Vec::new(),
                    },
                )
                .await
                .expect("move")
        }
    };
    let url = setup
        .services
        .start_connect(&setup.admin, SESSION, setup.integration_id, Some(mapping))
        .await
        .expect("start");
    move_to("tenant-b").await;
    setup
        .services
        .complete_authorization(
            &setup.admin,
            SESSION,
            CONNECTION,
            &CallbackQuery {
                code: Some(GOOD_CODE.into()),
                state: Some(query_param(&url, "state")),
                error: None,
            },
        )
        .await
        .expect("callback");
    let row = setup
        .services
        .store()
        .find_mapping(setup.integration_id, mapping)
        .await
        .expect("read")
        .expect("mapping");
    assert_eq!(
        row.oauth_token_id, None,
        "tenant-a's token is not linked to tenant-b"
    );

    connect(&setup, Some(mapping)).await;
    let read = setup
        .services
        .store()
        .find_mapping(setup.integration_id, mapping)
        .await
        .expect("read")
        .expect("mapping");
    assert!(read.oauth_token_id.is_some());
    move_to("tenant-c").await;
    let actor = Actor {
        admin_id: None,
        label: "test".into(),
    };
    let stale = setup
        .services
        .store()
        .set_mapping_column(
            &read,
            MappingAudit {
                actor: &actor,
                integration_name: "HaloPSA",
                changes: serde_json::json!({}),
            },
            MappingColumn::EntityId("detected-tenant-9"),
            now(),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
}

async fn an_organization_connects_its_own_token_and_disconnect_revokes(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    connect(&setup, None).await;
    let (_, outcome) = connect(&setup, Some(mapping)).await;
    assert_eq!(
        outcome,
        CallbackOutcome::Return("/settings/integrations/HaloPSA/mappings?oauth=connected".into())
    );
    assert_eq!(
        access_token_text(&setup, Some(organization)).await,
        "canary-access-2"
    );
    assert_eq!(access_token_text(&setup, None).await, "canary-access-1");
    let listed = setup
        .services
        .mappings(setup.integration_id, "", 1)
        .await
        .expect("mappings");
    assert!(matches!(
        listed.items[0].oauth_token,
        Some((_, app::domain::oauth::TokenState::Connected))
    ));

    // The provider reported the organization's tenant in the ID token: the admin may adopt it.
    assert_eq!(
        listed.items[0].detected_entity_id.as_deref(),
        Some("detected-tenant-2")
    );
    setup
        .services
        .adopt_detected_entity_id(&setup.admin, setup.integration_id, mapping)
        .await
        .expect("adopt");
    let adopted = setup
        .services
        .mappings(setup.integration_id, "", 1)
        .await
        .expect("mappings");
    assert_eq!(adopted.items[0].entity_id, "detected-tenant-2");
    assert_eq!(adopted.items[0].detected_entity_id, None);
    assert!(setup
        .services
        .adopt_detected_entity_id(&setup.admin, setup.integration_id, mapping)
        .await
        .is_err());

    // Another organization's token cannot be linked to this mapping.
    let (_, other_mapping) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;
    let contoso_token = listed.items[0].oauth_token.expect("linked").0;
    let refused = setup
        .services
        .link_mapping_token(
            &setup.admin,
            setup.integration_id,
            other_mapping,
            Some(contoso_token),
        )
        .await;
    assert!(refused
        .expect_err("foreign token")
        .for_field("oauth_token")
        .is_some());

    // Unlinking falls back to the shared token.
    setup
        .services
        .link_mapping_token(&setup.admin, setup.integration_id, mapping, None)
        .await
        .expect("unlink");
    assert_eq!(
        access_token_text(&setup, Some(organization)).await,
        "canary-access-1"
    );

    let view = setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("view")
        .expect("linked");
    let shared_id = view.shared.expect("shared").id;
    setup
        .services
        .disconnect_oauth_token(&setup.admin, setup.integration_id, shared_id)
        .await
        .expect("disconnect");
    assert_eq!(provider.count(&provider.state.calls.revoke), 1);
    assert_eq!(
        provider.last_form().get("token").map(String::as_str),
        Some("canary-refresh-1")
    );
    let gone = setup
        .services
        .integration_token(setup.integration_id, None)
        .await;
    assert!(matches!(gone, Err(TokenError::NotConnected)), "{gone:?}");
    let view = setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("view")
        .expect("linked");
    assert_eq!(
        view.shared.expect("shared").state,
        app::domain::oauth::TokenState::Disconnected
    );
    let _ = setup.connection_id;
    let _ = &setup.keyring;
}

crate::store_cases!(
    connect_stores_sealed_tokens_after_sending_the_pkce_verifier,
    a_state_works_once_in_its_own_session_and_not_after_expiry,
    denied_consent_and_failed_exchanges_change_nothing,
    an_expiring_token_is_refreshed_with_its_rotation_stored,
    provider_faults_keep_the_tokens_and_recover,
    requests_waiting_on_a_failing_refresh_do_not_repeat_it,
    a_lease_left_by_a_dead_server_holds_no_request,
    a_refresh_lease_is_never_taken_from_a_live_refresh,
    test_connection_sends_the_token_and_never_shows_it,
    client_credentials_get_a_token_per_organization_with_its_entity_id,
    an_organization_connects_its_own_token_and_disconnect_revokes,
    a_grant_in_flight_for_an_old_entity_is_not_stored_for_the_new_one,
    removing_a_mapping_an_organization_or_a_connection_revokes_its_tokens,
    mapping_links_are_written_only_over_the_mapping_as_it_was_read,
);

/// 100 concurrent requests on an expired token, half through each of two server instances
/// (separate services and connection pools on one database): one refresh call.
async fn one_refresh_for_many_requests(db: &TestDb) {
    let provider = FakeProvider::start().await;
    let setup = setup(&db.store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    let second_store = Store::connect(db.url()).await.expect("second pool");
    let second = Arc::new(services(&second_store, setup.keyring.clone()));
    let first = Arc::new(setup.services);
    provider.set_refresh_delay(Duration::from_millis(300));
    expire_tokens(&db.store, now() - 1).await;
    let mut tasks = Vec::new();
    for n in 0..100 {
        let instance = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let integration_id = setup.integration_id;
        tasks.push(tokio::spawn(async move {
            instance.integration_token(integration_id, None).await
        }));
    }
    use secrecy::ExposeSecret;
    for task in tasks {
        let token = task.await.expect("task").expect("token").expect("oauth");
        assert_eq!(token.access_token.expose_secret(), "canary-access-2");
    }
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
    second_store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_one_refresh_for_100_concurrent_requests() {
    let db = TestDb::sqlite().await;
    one_refresh_for_many_requests(&db).await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_one_refresh_for_100_concurrent_requests_on_two_instances() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    one_refresh_for_many_requests(&db).await;
    db.finish().await;
}

/// The database file itself (with its WAL) never holds a token or client secret in plaintext.
#[tokio::test]
async fn sqlite_database_files_hold_no_plaintext_token() {
    let db = TestDb::sqlite().await;
    let provider = FakeProvider::start().await;
    let setup = setup(&db.store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    expire_tokens(&db.store, now() - 1).await;
    setup
        .services
        .integration_token(setup.integration_id, None)
        .await
        .expect("refresh");
    for file in db.files() {
        let bytes = std::fs::read(&file).expect("read database file");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("canary-"),
            "{} holds a plaintext token",
            file.display()
        );
    }
    db.finish().await;
}
