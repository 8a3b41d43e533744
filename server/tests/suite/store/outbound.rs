//! Requests the server makes on an admin's behalf, tried from the attacker's side: a provider or
//! API URL on loopback (typed as an address or as a name that resolves to it) is refused unless
//! the operator allows it, and a provider's answer is read only up to a cap.

use app::domain::ids::IntegrationId;
use app::domain::integration::{FieldType, SchemaField, ValueChange, ValueInput};
use app::domain::oauth::{GrantType, SecretChange};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, OAuthServices, OAuthTokenServices};
use bifrost::oauth::outbound::{OutboundPolicy, ALLOWED_HOSTS_SETTING, ALLOW_PRIVATE_SETTING};
use bifrost::services::ServerServices;
use bifrost::store::Store;
use secrecy::ExposeSecret;

use super::oauth_tokens::{connect, mapped_organization, services_with, setup};
use crate::helpers::assert_field_refused_with;
use crate::provider::{FakeProvider, Fault};

fn assert_refused_naming_the_settings(error: &AppError) {
    let text = error.to_string();
    assert!(
        text.contains(ALLOW_PRIVATE_SETTING) && text.contains(ALLOWED_HOSTS_SETTING),
        "the refusal names the settings: {text}"
    );
    assert!(text.contains("loopback"), "{text}");
}

/// Adds a `base_url` default to the integration, for Test Connection.
async fn set_base_url(
    services: &ServerServices,
    admin: &app::domain::admin::CurrentAdmin,
    integration_id: IntegrationId,
    url: &str,
) {
    let mut draft = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    if !draft.fields.iter().any(|field| field.key == "base_url") {
        draft.fields.push(SchemaField {
            id: None,
            key: "base_url".into(),
            field_type: FieldType::String,
            required: false,
            description: String::new(),
        });
        services
            .update_integration(admin, integration_id, &draft)
            .await
            .expect("schema");
    }
    services
        .save_defaults(
            admin,
            integration_id,
            &[ValueInput {
                key: "base_url".into(),
                change: ValueChange::Set(url.into()),
            }],
        )
        .await
        .expect("base_url");
}

/// Token, Test Connection, authorization and revocation URLs on loopback, with the default
/// policy: each refused before any byte reaches the provider.
async fn loopback_providers_are_refused_unless_the_operator_allows_them(store: Store) {
    let provider = FakeProvider::start().await;
    let allowed = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, _) = mapped_organization(&allowed, "Contoso", "tenant-a").await;
    connect(&allowed, None).await;
    let closed = services_with(
        &store,
        allowed.keyring.clone(),
        OutboundPolicy::public_only(),
    );
    let admin = &allowed.admin;
    let integration = allowed.integration_id;

    // The authorization URL: Connect refuses to send the browser there.
    let error = closed
        .start_oauth_connect(admin, "another-session", integration, None)
        .await
        .expect_err("authorization URL on loopback");
    assert_refused_naming_the_settings(&error);

    // Test Connection, by address and by a name that resolves to loopback.
    let port = provider
        .base_url
        .rsplit(':')
        .next()
        .expect("port")
        .to_string();
    for base in [
        provider.base_url.clone(),
        format!("http://localhost:{port}"),
    ] {
        set_base_url(&closed, admin, integration, &base).await;
        let error = closed
            .test_connection(integration, None, "/api/echo")
            .await
            .expect_err("Test Connection to loopback");
        assert_refused_naming_the_settings(&error);
    }

    // The operator's list opens exactly what it names.
    let listed = services_with(
        &store,
        allowed.keyring.clone(),
        OutboundPolicy::parse(false, "localhost").expect("list"),
    );
    let reached = listed
        .test_connection(integration, None, "/api/echo")
        .await
        .expect("an allowed host is reached");
    assert_eq!(reached.status, 200);
    set_base_url(&listed, admin, integration, &provider.base_url).await;
    let error = listed
        .test_connection(integration, None, "/api/echo")
        .await
        .expect_err("127.0.0.1 is not on the list");
    assert_refused_naming_the_settings(&error);

    // The token endpoint: an expired token is not refreshed there.
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("expire");
    let refreshes = provider.count(&provider.state.calls.refresh);
    let error = closed
        .integration_token(integration, Some(organization))
        .await
        .expect_err("refresh at loopback");
    assert!(error.to_string().contains(ALLOW_PRIVATE_SETTING), "{error}");
    assert_eq!(provider.count(&provider.state.calls.refresh), refreshes);

    // The revocation URL: Disconnect still disconnects, and sends nothing.
    let shared = closed
        .integration_oauth(integration)
        .await
        .expect("view")
        .expect("linked")
        .shared
        .expect("shared token");
    closed
        .disconnect_oauth_token(admin, integration, shared.id)
        .await
        .expect("disconnect");
    assert_eq!(provider.count(&provider.state.calls.revoke), 0);
}

/// A token endpoint that answers without end is cut off at the cap, with a clear error.
async fn a_providers_answer_is_read_only_up_to_the_cap(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let (organization, _) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    provider.set_fault(Fault::Huge);
    let error = setup
        .services
        .integration_token(setup.integration_id, Some(organization))
        .await
        .expect_err("a 2 MB answer");
    assert!(error.to_string().contains("larger than"), "{error}");
}

/// Moving the token URL to another host: the stored client secret is not sent there unless the
/// admin enters it again, and the tokens granted by the old host wait for a reconnect instead of
/// having their refresh tokens presented to the new one.
async fn secrets_and_tokens_do_not_follow_a_url_to_another_host(store: Store) {
    let provider = FakeProvider::start().await;
    let elsewhere = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, _) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    connect(&setup, None).await;
    let services = &setup.services;
    let opened = services
        .oauth_connection(setup.connection_id)
        .await
        .expect("view")
        .to_draft();

    // The same machine under another name: another host as far as the secret is concerned.
    let elsewhere_url = elsewhere.base_url.replace("127.0.0.1", "localhost");
    let mut moved = opened.clone();
    moved.token_url = format!("{elsewhere_url}/token");
    moved.revocation_url = format!("{elsewhere_url}/revoke");
    let error = services
        .update_oauth_connection(&setup.admin, setup.connection_id, &moved)
        .await
        .expect_err("the secret is not sent to a new host");
    assert_field_refused_with(&error, "client_secret", "enter the client secret again");
    let token = services
        .integration_token(setup.integration_id, Some(organization))
        .await
        .expect("still connected")
        .expect("oauth");
    assert!(!token.access_token.expose_secret().is_empty());

    moved.client_secret = SecretChange::Set(crate::provider::CLIENT_SECRET.into());
    services
        .update_oauth_connection(&setup.admin, setup.connection_id, &moved)
        .await
        .expect("saved with the secret entered again");
    let error = services
        .integration_token(setup.integration_id, Some(organization))
        .await
        .expect_err("the old host's token waits for a reconnect");
    assert!(error.to_string().contains("reconnect"), "{error}");
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("expire");
    let _ = services.refresh_expiring_tokens().await;
    let _ = services
        .integration_token(setup.integration_id, Some(organization))
        .await;
    assert_eq!(
        elsewhere.count(&elsewhere.state.calls.refresh)
            + elsewhere.count(&elsewhere.state.calls.revoke),
        0,
        "no refresh token of the old host reached the new one"
    );

    // The form opened before the move is now stale: saving it would undo the move.
    let mut stale = opened;
    stale.client_secret = SecretChange::Set(crate::provider::CLIENT_SECRET.into());
    let error = services
        .update_oauth_connection(&setup.admin, setup.connection_id, &stale)
        .await
        .expect_err("stale form");
    assert!(
        matches!(&error, AppError::Conflict(message) if message.contains("changed by someone else")),
        "{error}"
    );
}

/// A secret field is never the URL Test Connection calls (nor shown as one).
async fn a_secret_base_url_is_refused_by_test_connection(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    connect(&setup, None).await;
    let services = &setup.services;
    let mut draft = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    draft.fields.push(SchemaField {
        id: None,
        key: "base_url".into(),
        field_type: FieldType::Secret,
        required: false,
        description: String::new(),
    });
    services
        .update_integration(&setup.admin, setup.integration_id, &draft)
        .await
        .expect("schema");
    let secret_url = format!("{}/?key=canary-secret-url", provider.base_url);
    services
        .save_defaults(
            &setup.admin,
            setup.integration_id,
            &[ValueInput {
                key: "base_url".into(),
                change: ValueChange::Set(secret_url),
            }],
        )
        .await
        .expect("secret base_url");
    let error = services
        .test_connection(setup.integration_id, None, "/api/echo")
        .await
        .expect_err("a secret base_url");
    let message = error.for_field("path").unwrap_or_default().to_string();
    assert!(message.contains("secret field"), "{error}");
    assert!(!error.to_string().contains("canary"), "{error}");
}

crate::both_backends!(store:
    loopback_providers_are_refused_unless_the_operator_allows_them,
    a_providers_answer_is_read_only_up_to_the_cap,
    secrets_and_tokens_do_not_follow_a_url_to_another_host,
    a_secret_base_url_is_refused_by_test_connection,
);
