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

use helpers::{integration_draft, new_api_key, schema_field, set_value as set};

use std::io::Write;
use std::sync::{Arc, Mutex};

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{FieldType, MappingDraft, SchemaField};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::{
    ConfigurationServices, IntegrationServices, MappingServices, OAuthServices,
    OrganizationServices,
};
use bifrost::services::{ServerServices, ServicesConfig};
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
    let services = ServerServices::new(
        app.db().store.clone(),
        ServicesConfig::new(&app.address, false)
            .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network()),
        app.keyring.clone(),
    );
    let admin = CurrentAdmin {
        id: 1.into(),
        email: test_app::ADMIN_EMAIL.into(),
    };
    let integration = services
        .create_integration(
            &admin,
            &integration_draft(
                "HaloPSA",
                "global-tenant",
                vec![SchemaField {
                    required: true,
                    ..schema_field("api_key", FieldType::Secret)
                }],
            ),
        )
        .await
        .expect("integration");
    services
        .save_defaults(
            &admin,
            integration.id,
            &[set("api_key", "canary-default-secret")],
        )
        .await
        .expect("defaults");
    let contoso = services
        .create_organization(&admin, "Contoso")
        .await
        .expect("organization");
    let mapping = services
        .create_mapping(
            &admin,
            integration.id,
            &MappingDraft {
                organization_id: contoso.id,
                entity_id: "tenant-a".into(),
                entity_name: "Contoso Ltd".into(),
                overrides: vec![set("api_key", "canary-override-secret")],
            },
        )
        .await
        .expect("mapping");
    let connection = services
        .create_oauth_connection(
            &admin,
            &OAuthConnectionDraft {
                name: "partner-center".into(),
                grant_type: GrantType::AuthorizationCode,
                authorization_url: "http://127.0.0.1:9/authorize".into(),
                token_url: "http://127.0.0.1:9/token".into(),
                client_id: "client".into(),
                client_secret: SecretChange::Set("canary-client-secret".into()),
                scopes: "api".into(),
                pkce: true,
                extra_parameters: String::new(),
                audience: String::new(),
                revocation_url: String::new(),
                entity_id_source: String::new(),
                opened_at_version: None,
            },
        )
        .await
        .expect("connection");
    services
        .link_oauth_connection(&admin, integration.id, Some(connection.id))
        .await
        .expect("link");
    app.db()
        .store
        .save_connected_token(
            &app.keyring,
            &TokenOwner {
                connection_id: connection.id,
                organization_id: None,
                entity_id: String::new(),
            },
            &GrantedTokens {
                access_token: SecretString::from("canary-access-token"),
                refresh_token: Some(SecretString::from("canary-refresh-token")),
                token_type: "Bearer".into(),
                scopes: "api".into(),
                expires_at: bifrost::time::now_millis() + 3_600_000,
                detected_entity_id: String::new(),
            },
            None,
            None,
            bifrost::time::now_millis(),
        )
        .await
        .expect("token");
    let provider = app
        .db()
        .store
        .find_provider_organization()
        .await
        .expect("provider")
        .expect("provider exists");
    let provider_key = new_api_key(&services, &admin, provider.id, "runner").await;
    let contoso_key = new_api_key(&services, &admin, contoso.id, "contoso").await;

    // The one place secrets go: the resolve answer.
    let resolved = app
        .client
        .get(format!(
            "{}/api/v1/integrations/HaloPSA?scope=Contoso",
            app.address
        ))
        .bearer_auth(&provider_key)
        .send()
        .await
        .expect("resolve")
        .text()
        .await
        .expect("body");
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
    let id = integration.id.to_string();
    let mapping_id = mapping.id.to_string();
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
        let body = app
            .client
            .get(format!("{}{path}", app.address))
            .bearer_auth(key)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
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
