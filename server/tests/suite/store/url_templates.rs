//! Per-organization URLs: Test Connection fills `base_url`'s placeholders from the scope's merged
//! config; tried with values that would move the host, a secret, and an entity ID in the host.

use app::domain::integration::FieldType;
use app::domain::oauth::GrantType;
use app::error::AppError;
use app::ssr::OAuthTokenServices;
use bifrost::store::Store;

use super::oauth_tokens::{connect, setup, Setup};
use crate::helpers::{
    assert_field_refused_with, create_mapped_organization, schema_field, set_value,
};
use crate::provider::FakeProvider;

async fn set_base_url(setup: &Setup, template: &str) {
    setup.set_defaults(&[("base_url", template)]).await;
}

async fn test_url(
    setup: &Setup,
    organization: Option<app::domain::ids::OrganizationId>,
) -> Result<String, AppError> {
    setup
        .services
        .test_connection(setup.integration_id, organization, "/api/echo")
        .await
        .map(|result| result.url)
}

async fn test_connection_fills_base_url_for_each_organization(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    setup
        .add_fields(vec![
            schema_field("base_url", FieldType::String),
            schema_field("api_host", FieldType::String),
            schema_field("api_key", FieldType::Secret),
            schema_field("timeout", FieldType::Int),
        ])
        .await;
    let (contoso, _) = create_mapped_organization(
        &setup.services,
        &setup.admin,
        setup.integration_id,
        "Contoso",
        "tenant a/b",
        "Contoso Ltd",
        vec![set_value("api_host", "127.0.0.1")],
    )
    .await;
    connect(&setup, None).await;
    let port = provider.base_url.rsplit(':').next().unwrap_or_default();
    set_base_url(
        &setup,
        &format!("http://{{api_host}}:{port}/t/{{entity_id}}"),
    )
    .await;

    // Contoso's own host and its entity ID, encoded.
    assert_eq!(
        test_url(&setup, Some(contoso)).await.expect("Contoso"),
        format!("http://127.0.0.1:{port}/t/tenant%20a%2Fb/api/echo")
    );
    // The global scope has no api_host: the error names it.
    let error = test_url(&setup, None).await.expect_err("no api_host");
    assert_field_refused_with(&error, "path", "needs a value for api_host");

    // A value that would carry the request elsewhere is not a host name.
    setup
        .set_defaults(&[("api_host", "evil.example.com/steal?")])
        .await;
    let error = test_url(&setup, None)
        .await
        .expect_err("a path in the host");
    assert_field_refused_with(&error, "path", "value of api_host must be a host name");

    for (template, refusal) in [
        ("http://{entity_id}.example.com/", "not in the host"),
        ("{api_host}://example.com/", "may not choose the scheme"),
        ("http://{api_host}@example.com/", "user name or port"),
        ("http://x.example.com/{api_key}", "secret field"),
        ("http://x.example.com/{timeout}", "only string fields"),
        ("http://x.example.com/{Tenant}", "not a field key"),
    ] {
        set_base_url(&setup, template).await;
        let error = test_url(&setup, Some(contoso)).await.expect_err(template);
        assert_field_refused_with(&error, "path", refusal);
    }
}

crate::both_backends!(store:
    test_connection_fills_base_url_for_each_organization,
);
