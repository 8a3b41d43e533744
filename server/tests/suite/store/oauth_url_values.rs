//! An OAuth connection's URLs filled per organization with `{field}` values: taken from the
//! scope's merged config at Connect, kept with the token (a refresh goes where the consent was
//! given), followed by client credentials, and refused by name when missing or a secret.

use app::domain::ids::{MappingId, OrganizationId};
use app::domain::integration::FieldType;
use app::domain::oauth::GrantType;
use app::ssr::{OAuthServices, OAuthTokenServices};
use bifrost::store::Store;

use super::oauth_tokens::{connect, connection_draft, setup, Setup};
use crate::helpers::{
    assert_field_refused_with, create_mapped_organization, schema_field, set_value,
};
use crate::provider::{query_param, FakeProvider};

/// Adds `realm` (string) and `api_key` (secret) fields, the default realm, and the connection's
/// URLs naming `{realm}` (`/token?realm=` for a code grant, `/{realm}/token` for client
/// credentials, where the fake provider records it).
async fn with_realm_urls(setup: &Setup, provider: &FakeProvider, grant_type: GrantType) {
    setup
        .add_fields(vec![
            schema_field("realm", FieldType::String),
            schema_field("api_key", FieldType::Secret),
        ])
        .await;
    set_default_realm(setup, "global-realm").await;
    let mut draft = connection_draft(provider, grant_type);
    draft.authorization_url = format!("{}/authorize?realm={{realm}}", provider.base_url);
    draft.token_url = match grant_type {
        GrantType::AuthorizationCode => format!("{}/token?realm={{realm}}", provider.base_url),
        GrantType::ClientCredentials => format!("{}/{{realm}}/token", provider.base_url),
    };
    setup
        .services
        .update_oauth_connection(&setup.admin, setup.connection_id, &draft)
        .await
        .expect("URLs with {realm}");
}

async fn set_default_realm(setup: &Setup, realm: &str) {
    setup.set_defaults(&[("realm", realm)]).await;
}

/// Connect for the shared token, as far as the provider URL.
async fn start_shared_connect(setup: &Setup) -> Result<String, app::error::AppError> {
    setup
        .services
        .start_oauth_connect(&setup.admin, "session", setup.integration_id, None)
        .await
}

/// Contoso, mapped with its own realm: its id and its mapping's.
async fn contoso_with_realm(setup: &Setup, realm: &str) -> (OrganizationId, MappingId) {
    let overrides = vec![set_value("realm", realm)];
    create_mapped_organization(
        &setup.services,
        &setup.admin,
        setup.integration_id,
        "Contoso",
        "tenant-a",
        "Contoso Ltd",
        overrides,
    )
    .await
}

async fn connect_fills_the_organizations_values_and_the_token_keeps_them(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    with_realm_urls(&setup, &provider, GrantType::AuthorizationCode).await;
    let (_, mapping) = contoso_with_realm(&setup, "contoso realm").await;

    let (url, _) = connect(&setup, Some(mapping)).await;
    assert_eq!(query_param(&url, "realm"), "contoso realm");
    let (url, _) = connect(&setup, None).await;
    assert_eq!(query_param(&url, "realm"), "global-realm");
    assert_eq!(provider.tenants(), vec!["contoso%20realm", "global-realm"]);

    // The shared token keeps the realm it was granted at, whatever the default says now.
    set_default_realm(&setup, "moved-realm").await;
    let shared = setup.oauth_view().await.shared.expect("shared token");
    setup
        .services
        .refresh_oauth_token(&setup.admin, setup.integration_id, shared.id)
        .await
        .expect("refresh");
    assert_eq!(
        provider.tenants().last().map(String::as_str),
        Some("global-realm")
    );
}

async fn a_missing_or_secret_value_is_refused_at_connect_by_name(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    with_realm_urls(&setup, &provider, GrantType::AuthorizationCode).await;
    set_default_realm(&setup, "").await;
    let error = start_shared_connect(&setup).await.expect_err("no realm");
    assert_field_refused_with(&error, "realm", "needs a value for realm");

    let mut draft = connection_draft(&provider, GrantType::AuthorizationCode);
    draft.token_url = format!("{}/token?key={{api_key}}", provider.base_url);
    setup
        .services
        .update_oauth_connection(&setup.admin, setup.connection_id, &draft)
        .await
        .expect("saved: the connection does not know which fields are secret");
    let error = start_shared_connect(&setup)
        .await
        .expect_err("a secret in a URL");
    assert_field_refused_with(&error, "api_key", "secret field");
    assert_eq!(provider.count(&provider.state.calls.code), 0);
}

async fn client_credentials_follow_each_scopes_values(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    with_realm_urls(&setup, &provider, GrantType::ClientCredentials).await;
    let (contoso, _) = contoso_with_realm(&setup, "contoso-realm").await;
    setup
        .token(Some(contoso))
        .await
        .expect("Contoso")
        .expect("oauth");
    setup.token(None).await.expect("global").expect("oauth");
    assert_eq!(provider.tenants(), vec!["contoso-realm", "global-realm"]);

    // Client credentials hold no consent: a new default realm gets a new grant there.
    set_default_realm(&setup, "new-realm").await;
    setup.token(None).await.expect("global").expect("oauth");
    setup
        .token(Some(contoso))
        .await
        .expect("cached")
        .expect("oauth");
    assert_eq!(
        provider.tenants(),
        vec!["contoso-realm", "global-realm", "new-realm"]
    );
    set_default_realm(&setup, "").await;
    let error = setup.token(None).await.expect_err("no realm");
    assert!(
        error.to_string().contains("needs a value for realm"),
        "{error}"
    );
}

crate::both_backends!(store:
    connect_fills_the_organizations_values_and_the_token_keeps_them,
    a_missing_or_secret_value_is_refused_at_connect_by_name,
    client_credentials_follow_each_scopes_values,
);
