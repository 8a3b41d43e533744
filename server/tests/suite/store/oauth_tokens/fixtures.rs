//! What the token tests share: services with short provider timeouts, an integration linked to
//! a connection at the fake provider, organizations mapped to tenants, Connect as the browser
//! does it, and reads of what the database stores.

use app::domain::ids::{ConnectionId, IntegrationId, MappingId, OrganizationId};
use std::sync::Arc;
use std::time::Duration;

use app::domain::admin::CurrentAdmin;
use app::domain::oauth::{GrantType, IntegrationOAuthView, OAuthConnectionDraft, SecretChange};
use app::ssr::OAuthTokenServices;
use bifrost::crypto::Keyring;
use bifrost::oauth::outbound::OutboundPolicy;
use bifrost::services::{
    CallbackOutcome, CallbackQuery, FreshToken, ServerServices, ServicesConfig, TokenError,
};
use bifrost::store::admins::NewAdmin;
use bifrost::store::audit::Actor;
use bifrost::store::mappings::MappingRow;
use bifrost::store::Store;

use crate::helpers::{
    create_linked_integration, create_mapped_organization, integration_draft, test_keyring,
};
use crate::provider::{connect_with_consent, FakeProvider, CLIENT_SECRET, GOOD_CODE};

pub(crate) const SESSION: &str = "session-token-of-the-admin";
pub(crate) const CONNECTION: &str = "Halo_Auth";

/// The services as the server builds them, with short provider timeouts for the fault tests.
pub(super) fn services(store: &Store, keyring: Arc<Keyring>) -> ServerServices {
    services_with(store, keyring, OutboundPolicy::allow_private_network())
}

/// The services with the given outbound policy.
pub(crate) fn services_with(
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

pub(crate) struct Setup {
    pub services: ServerServices,
    pub keyring: Arc<Keyring>,
    pub admin: CurrentAdmin,
    pub integration_id: IntegrationId,
    pub connection_id: ConnectionId,
}

/// The test connection's settings at the fake provider.
pub(crate) fn connection_draft(
    provider: &FakeProvider,
    grant_type: GrantType,
) -> OAuthConnectionDraft {
    let token_url = match grant_type {
        GrantType::AuthorizationCode => format!("{}/token", provider.base_url),
        GrantType::ClientCredentials => format!("{}/{{entity_id}}/token", provider.base_url),
    };
    OAuthConnectionDraft {
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
        client_secret_expires_on: String::new(),
        opened_at_version: None,
    }
}

/// An integration linked to a connection at the fake provider.
pub(crate) async fn setup(store: &Store, provider: &FakeProvider, grant_type: GrantType) -> Setup {
    let keyring = test_keyring();
    let services = services(store, keyring.clone());
    let admin = admin(store).await;
    let connection = connection_draft(provider, grant_type);
    let integration = integration_draft("HaloPSA", "global-tenant", Vec::new());
    let (integration_id, connection_id) =
        create_linked_integration(&services, &admin, &connection, &integration).await;
    Setup {
        services,
        keyring,
        admin,
        integration_id,
        connection_id,
    }
}

impl Setup {
    /// Adds `fields` to HaloPSA's schema.
    pub(crate) async fn add_fields(&self, fields: Vec<app::domain::integration::SchemaField>) {
        let scope = ("HaloPSA", self.integration_id);
        crate::helpers::add_schema_fields(&self.services, &self.admin, scope, fields).await;
    }

    /// Sets default values on the Configuration tab, `(key, text)` each.
    pub(crate) async fn set_defaults(&self, values: &[(&str, &str)]) {
        use app::ssr::ConfigurationServices;
        let inputs: Vec<_> = values
            .iter()
            .map(|(key, text)| crate::helpers::set_value(key, text))
            .collect();
        self.services
            .save_defaults(&self.admin, self.integration_id, &inputs)
            .await
            .expect("default values");
    }

    /// The token the integration uses in a scope (`None`: global), as a workflow asks for it.
    pub(crate) async fn token(
        &self,
        organization: Option<OrganizationId>,
    ) -> Result<Option<FreshToken>, TokenError> {
        self.services
            .integration_token(self.integration_id, organization)
            .await
    }

    /// The integration's OAuth tab: its connection and tokens.
    pub(crate) async fn oauth_view(&self) -> IntegrationOAuthView {
        self.services
            .integration_oauth(self.integration_id)
            .await
            .expect("view")
            .expect("linked")
    }

    /// The provider sends the browser of session `session` back to the connection named
    /// `connection` with `query`: what the callback does.
    pub(super) async fn complete_authorization(
        &self,
        session: &str,
        connection: &str,
        query: &CallbackQuery,
    ) -> CallbackOutcome {
        self.services
            .complete_authorization(&self.admin, session, connection, query)
            .await
            .expect("callback")
    }

    /// A mapping of the integration as the store reads it.
    pub(super) async fn mapping_row(&self, mapping_id: MappingId) -> MappingRow {
        self.services
            .store()
            .find_mapping(self.integration_id, mapping_id)
            .await
            .expect("read")
            .expect("mapping")
    }
}

/// A fake provider and an authorization-code integration at it, its shared token connected.
pub(super) async fn connected(store: &Store) -> (FakeProvider, Setup) {
    let provider = FakeProvider::start().await;
    let setup = setup(store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    (provider, setup)
}

/// A new organization mapped to `tenant`: its id and the mapping's.
pub(crate) async fn mapped_organization(
    setup: &Setup,
    name: &str,
    tenant: &str,
) -> (OrganizationId, MappingId) {
    create_mapped_organization(
        &setup.services,
        &setup.admin,
        setup.integration_id,
        name,
        tenant,
        "",
        Vec::new(),
    )
    .await
}

/// Connect for the shared token, as the browser would: the provider URL it is sent to.
pub(super) async fn start(setup: &Setup) -> String {
    setup
        .services
        .start_oauth_connect(&setup.admin, SESSION, setup.integration_id, None)
        .await
        .expect("start")
}

/// Connect, as the browser would: start, then come back with the provider's code.
pub(crate) async fn connect(
    setup: &Setup,
    mapping_id: Option<MappingId>,
) -> (String, CallbackOutcome) {
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
pub(super) async fn access_token_text(
    setup: &Setup,
    organization: Option<OrganizationId>,
) -> String {
    use secrecy::ExposeSecret;
    setup
        .token(organization)
        .await
        .expect("a fresh token")
        .expect("an OAuth connection")
        .access_token
        .expose_secret()
        .to_string()
}

/// The provider's redirect back after consent: the good code and `state`.
pub(crate) fn consented(state: &str) -> CallbackQuery {
    CallbackQuery {
        code: Some(GOOD_CODE.into()),
        state: Some(state.to_string()),
        error: None,
    }
}

/// The stored token's status and its sealed refresh token, if any.
pub(super) async fn stored_status_and_refresh_token(store: &Store) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, refresh_token FROM oauth_tokens")
        .fetch_one(store.raw_pool())
        .await
        .expect("row")
}

pub(super) async fn expire_tokens(store: &Store, at: i64) {
    sqlx::query("UPDATE oauth_tokens SET expires_at = $1")
        .bind(at)
        .execute(store.raw_pool())
        .await
        .expect("expire");
}

pub(super) fn now() -> i64 {
    bifrost::time::now_millis()
}

/// Every stored text that could hold a secret, for plaintext checks.
pub(crate) async fn stored_texts(store: &Store) -> Vec<String> {
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
