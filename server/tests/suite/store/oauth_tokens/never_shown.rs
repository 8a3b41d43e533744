//! The token is used but never shown: Test connection sends it and shows only a placeholder,
//! and SQLite's database files never hold it in plaintext.

use app::domain::oauth::{ConnectionTestResult, GrantType};
use app::error::AppError;
use app::ssr::{IntegrationServices, OAuthTokenServices};
use bifrost::store::Store;

use super::fixtures::*;
use crate::helpers::TestDb;
use crate::provider::FakeProvider;

/// Test connection on the shared token, at the fake provider's echo.
async fn test_echo(setup: &Setup) -> Result<ConnectionTestResult, AppError> {
    setup
        .services
        .test_connection(setup.integration_id, None, "/api/echo")
        .await
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
    let missing = test_echo(&setup).await;
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
    let not_connected = test_echo(&setup).await;
    assert!(not_connected.is_err(), "no token yet");
    connect(&setup, None).await;
    let result = test_echo(&setup).await.expect("test");
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

/// The database file itself (with its WAL) never holds a token or client secret in plaintext.
#[tokio::test]
async fn sqlite_database_files_hold_no_plaintext_token() {
    let db = TestDb::sqlite().await;
    let (_provider, setup) = connected(&db.store).await;
    expire_tokens(&db.store, now() - 1).await;
    setup.token(None).await.expect("refresh");
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

crate::both_backends!(
    store: test_connection_sends_the_token_and_never_shows_it,
);
