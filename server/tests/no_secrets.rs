//! No stored secret leaves the server except in the workflow API's resolve answer: not in a page,
//! a server function's response, an export, an API error, the audit log or a log line (captured
//! at TRACE for the whole test, server included).
//!
//! A test binary of its own: it installs the process's global log subscriber, which no other
//! test may share.
#![expect(
    clippy::too_many_lines,
    reason = "one scenario that visits every place a secret could leak"
)]
#![expect(clippy::print_stderr, reason = "a skipped backend says so")]

#[expect(dead_code, reason = "this binary uses a few of the suite's helpers")]
#[path = "suite/helpers.rs"]
mod helpers;
#[expect(dead_code, reason = "this binary uses a few of the TestApp's methods")]
#[path = "suite/http/test_app.rs"]
mod test_app;

use helpers::{
    create_linked_integration, create_mapped_organization, integration_draft, new_api_key,
    provider_organization_id, schema_field, set_value as set,
};

use std::io::Write;
use std::sync::{Arc, Mutex};

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{FieldType, SchemaField};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::ConfigurationServices;
use bifrost::store::oauth_tokens::{GrantedTokens, TokenOwner};
use secrecy::SecretString;

use test_app::TestApp;

const CANARIES: [&str; 5] = [
    "canary-default-secret",
    "canary-override-secret",
    "canary-client-secret",
    "canary-access-token",
    "canary-refresh-token",
];

/// Everything logged in this process.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut log) = self.0.lock() {
            log.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The body of a GET of the API with `key` as the bearer token.
async fn api_answer(app: &TestApp, key: &str, path: &str) -> String {
    let request = app.client.get(format!("{}{path}", app.address));
    let response = request.bearer_auth(key).send().await.expect("request");
    response.text().await.expect("body")
}

fn assert_no_secret(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{what} shows {canary}");
    }
}

#[tokio::test]
async fn no_stored_secret_shows_anywhere_but_the_resolve_answer() {
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let app = TestApp::spawn_signed_in().await;
    let services = app.services();
    let admin = CurrentAdmin {
        id: 1.into(),
        email: test_app::ADMIN_EMAIL.into(),
    };
    let connection = OAuthConnectionDraft {
        name: "partner-center".into(),
        grant_type: GrantType::AuthorizationCode,
        authorization_url: "http://127.0.0.1:9/authorize".into(),
        token_url: "http://127.0.0.1:9/token".into(),
        client_id: "client".into(),
        client_secret: SecretChange::Set("canary-client-secret".into()),
        scopes: "api".into(),
        pkce: true,
        ..Default::default()
    };
    let api_key = SchemaField {
        required: true,
        ..schema_field("api_key", FieldType::Secret)
    };
    let (integration_id, connection_id) = create_linked_integration(
        &services,
        &admin,
        &connection,
        &integration_draft("HaloPSA", "global-tenant", vec![api_key]),
    )
    .await;
    services
        .save_defaults(
            &admin,
            integration_id,
            &[set("api_key", "canary-default-secret")],
        )
        .await
        .expect("defaults");
    let override_secret = vec![set("api_key", "canary-override-secret")];
    let (contoso, mapping_id) = create_mapped_organization(
        &services,
        &admin,
        integration_id,
        "Contoso",
        "tenant-a",
        "Contoso Ltd",
        override_secret,
    )
    .await;
    let tokens = GrantedTokens {
        access_token: SecretString::from("canary-access-token"),
        refresh_token: Some(SecretString::from("canary-refresh-token")),
        token_type: "Bearer".into(),
        scopes: "api".into(),
        expires_at: bifrost::time::now_millis() + 3_600_000,
        detected_entity_id: String::new(),
    };
    let shared = TokenOwner {
        connection_id,
        organization_id: None,
        entity_id: String::new(),
        url_values: "{}".into(),
    };
    let now = bifrost::time::now_millis();
    app.db()
        .store
        .save_connected_token(&app.keyring, &shared, &tokens, None, None, now)
        .await
        .expect("token");
    let provider = provider_organization_id(&app.db().store).await;
    let provider_key = new_api_key(&services, &admin, provider, "runner").await;
    let contoso_key = new_api_key(&services, &admin, contoso, "contoso").await;

    // The one place secrets go: the resolve answer.
    let resolved = api_answer(
        &app,
        &provider_key,
        "/api/v1/integrations/HaloPSA?scope=Contoso",
    )
    .await;
    assert!(
        resolved.contains("canary-override-secret") && resolved.contains("canary-access-token")
    );

    // Pages and exports.
    let base = "/settings/integrations/HaloPSA";
    for path in [
        "/".to_string(),
        "/settings/integrations".into(),
        base.into(),
        format!("{base}/configuration"),
        format!("{base}/mappings"),
        format!("{base}/oauth"),
        format!("{base}/edit"),
        format!("{base}/mappings.csv"),
        format!("{base}/definition.json"),
        "/settings/oauth".into(),
        "/settings/organizations".into(),
        "/settings/api-keys".into(),
        "/settings/audit-log".into(),
        "/settings/administrators".into(),
        "/api/v1/docs".into(),
    ] {
        let response = app.get(&path).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        assert_no_secret(&path, &response.text().await.expect("body"));
    }

    // Server functions that read what holds secrets.
    let id = integration_id.to_string();
    let mapping_id = mapping_id.to_string();
    for (path, form) in [
        ("/api/integrations/get", vec![("name", "HaloPSA")]),
        (
            "/api/integrations/defaults",
            vec![("integration_id", id.as_str())],
        ),
        (
            "/api/mappings/get",
            vec![
                ("integration_id", id.as_str()),
                ("mapping_id", mapping_id.as_str()),
            ],
        ),
        (
            "/api/mappings/list",
            vec![
                ("integration_id", id.as_str()),
                ("search", ""),
                ("page", "1"),
            ],
        ),
        ("/api/oauth/list", vec![]),
        (
            "/api/oauth/integration",
            vec![("integration_id", id.as_str())],
        ),
        (
            "/api/audit/list",
            vec![
                ("filter[actor]", ""),
                ("filter[object]", ""),
                ("filter[from]", ""),
                ("filter[to]", ""),
                ("page", "1"),
            ],
        ),
    ] {
        let response = app.call_server_fn(path, &form).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(status.is_success(), "{path}: {status} {body}");
        assert_no_secret(path, &body);
    }

    // API errors and the other API answers.
    for (key, path) in [
        (&contoso_key, "/api/v1/integrations/HaloPSA?scope=global"),
        (&provider_key, "/api/v1/integrations/HaloPSA?scope=Nobody"),
        (&provider_key, "/api/v1/integrations/Nothing"),
        (&provider_key, "/api/v1/integrations/HaloPSA/mappings"),
        (&provider_key, "/api/v1/openapi.json"),
    ] {
        let body = api_answer(&app, key, path).await;
        assert_no_secret(path, &body);
    }

    let captured = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(
        captured.contains("request") && captured.len() > 10_000,
        "the log was captured: {} bytes",
        captured.len()
    );
    assert_no_secret("the log", &captured);
    app.finish().await;
}
