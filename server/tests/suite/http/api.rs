//! The workflow API over HTTP, on both backends: every error code, the scope rules for provider
//! and customer keys, keys refused at once when revoked or expired, typed merged config, the
//! OAuth token (fresh, needing reconnect, provider failing), mappings, and the OpenAPI document.

use std::time::Duration;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{FieldType, MappingDraft};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::domain::status::Backend;
use app::ssr::{
    ApiKeyServices, ConfigurationServices, IntegrationServices, MappingServices, OAuthServices,
};
use bifrost::services::{ServerServices, ServicesConfig};
use serde_json::{json, Value};

use super::test_app::TestApp;
use crate::helpers::{integration_draft, new_api_key, schema_field, set_value as set, TestDb};
use crate::provider::{connect_with_consent, FakeProvider, Fault, CLIENT_SECRET};

const SECRET_VALUE: &str = "halo-api-secret-value";

struct World {
    app: TestApp,
    services: ServerServices,
    admin: CurrentAdmin,
    provider_key: String,
    contoso_key: String,
    contoso: i64,
    fabrikam: i64,
    integration_id: i64,
}

async fn world(db: TestDb) -> World {
    world_configured(db, |_| {}).await
}

/// The world on a server whose services' settings are adjusted.
async fn world_configured(db: TestDb, adjust: impl FnOnce(&mut ServicesConfig)) -> World {
    let app = TestApp::spawn_configured(db, adjust).await;
    let setup = app
        .setup(
            "admin@example.com",
            "correct horse battery staple",
            "correct horse battery staple",
        )
        .await;
    assert!(super::test_app::succeeded(&setup));
    let mut config = ServicesConfig::new(&app.address, false)
        .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
    config.provider_timeout = Duration::from_secs(2);
    config.retry_pause = Duration::from_millis(10);
    let services = ServerServices::new(app.db().store.clone(), config, app.keyring.clone());
    let admin = CurrentAdmin {
        id: 1,
        email: "admin@example.com".into(),
    };
    let integration = services
        .create_integration(
            &admin,
            &integration_draft(
                "HaloPSA",
                "global-tenant",
                vec![
                    schema_field("base_url", FieldType::String),
                    schema_field("timeout", FieldType::Int),
                    schema_field("api_key", FieldType::Secret),
                    schema_field("options", FieldType::Json),
                ],
            ),
        )
        .await
        .expect("integration");
    services
        .save_defaults(
            &admin,
            integration.id,
            &[
                set("base_url", "https://halo.example.com"),
                set("timeout", "30"),
                set("api_key", SECRET_VALUE),
                set("options", r#"{"region": "eu"}"#),
            ],
        )
        .await
        .expect("defaults");
    let mut organizations = Vec::new();
    for (name, tenant, timeout) in [("Contoso", "tenant-a", "45"), ("Fabrikam", "tenant-b", "")] {
        let organization = services
            .create_organization(&admin, name)
            .await
            .expect("organization");
        let overrides = if timeout.is_empty() {
            Vec::new()
        } else {
            vec![set("timeout", timeout)]
        };
        services
            .create_mapping(
                &admin,
                integration.id,
                &MappingDraft {
                    organization_id: organization.id,
                    entity_id: tenant.into(),
                    entity_name: format!("{name} Ltd"),
                    overrides,
                },
            )
            .await
            .expect("mapping");
        organizations.push(organization.id);
    }
    let provider_org = app
        .db()
        .store
        .find_provider_organization()
        .await
        .expect("provider")
        .expect("provider exists");
    let provider_key = new_api_key(&services, &admin, provider_org.id, "runner").await;
    let contoso_key = new_api_key(&services, &admin, organizations[0], "contoso automation").await;
    World {
        app,
        services,
        admin,
        provider_key,
        contoso_key,
        contoso: organizations[0],
        fabrikam: organizations[1],
        integration_id: integration.id,
    }
}

impl World {
    async fn call(&self, key: Option<&str>, path: &str) -> (u16, Value) {
        self.call_with(&self.app.client, key, path).await
    }

    /// As a workflow calls: the key alone, no administrator's session cookie.
    async fn call_as_workflow(&self, key: Option<&str>, path: &str) -> (u16, Value) {
        let workflow = reqwest::Client::new();
        self.call_with(&workflow, key, path).await
    }

    async fn call_with(
        &self,
        client: &reqwest::Client,
        key: Option<&str>,
        path: &str,
    ) -> (u16, Value) {
        let mut request = client.get(format!("{}{path}", self.app.address));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Links HaloPSA to a new authorization-code connection at the fake provider.
    async fn link_halo_to(&self, provider: &FakeProvider) {
        let connection = self
            .services
            .create_oauth_connection(
                &self.admin,
                &OAuthConnectionDraft {
                    name: "Halo_Auth".into(),
                    grant_type: GrantType::AuthorizationCode,
                    authorization_url: format!("{}/authorize", provider.base_url),
                    token_url: format!("{}/token", provider.base_url),
                    client_id: "bifrost-test".into(),
                    client_secret: SecretChange::Set(CLIENT_SECRET.into()),
                    scopes: "api.read".into(),
                    pkce: true,
                    ..Default::default()
                },
            )
            .await
            .expect("connection");
        self.services
            .link_oauth_connection(&self.admin, self.integration_id, Some(connection.id))
            .await
            .expect("link");
    }

    /// Connects HaloPSA's shared token, as Connect and the provider's callback would.
    /// A second integration, NinjaOne, with a Default Entity ID and no mappings.
    async fn create_ninjaone(&self) {
        self.services
            .create_integration(
                &self.admin,
                &integration_draft(
                    "NinjaOne",
                    "ninja-global",
                    vec![schema_field("region", FieldType::String)],
                ),
            )
            .await
            .expect("another integration");
    }

    async fn connect_halo(&self) {
        connect_with_consent(
            &self.services,
            &self.admin,
            "session",
            "Halo_Auth",
            self.integration_id,
            None,
        )
        .await;
    }

    async fn expect_error(&self, key: Option<&str>, path: &str, status: u16, code: &str) {
        let (got, body) = self.call(key, path).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(code)),
            "{path}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

async fn keys_and_scopes(db: TestDb) {
    let w = world(db).await;
    let provider = Some(w.provider_key.as_str());
    let contoso = Some(w.contoso_key.as_str());

    // 401: no key, a malformed one, an unknown one.
    w.expect_error(None, "/api/v1/integrations/HaloPSA", 401, "unauthorized")
        .await;
    w.expect_error(
        Some("nonsense"),
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;
    w.expect_error(
        Some("bfk_unknown"),
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;

    // A provider key without a scope acts for the provider organization: no mapping, so the
    // global scope's defaults and default entity ID.
    let (status, body) = w.call(provider, "/api/v1/integrations/halopsa").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "HaloPSA");
    assert_eq!(body["entity_id"], "global-tenant");
    assert_eq!(body["mapped"], false);
    assert_eq!(body["config"]["timeout"], 30);
    assert_eq!(body["config"]["api_key"], SECRET_VALUE);
    assert_eq!(body["config"]["options"], json!({ "region": "eu" }));
    assert_eq!(body["oauth"], Value::Null);

    // Any organization, by name or id; the override applies.
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=contoso")
        .await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-a"), Some(45))
    );
    assert_eq!(body["entity_name"], "Contoso Ltd");
    assert_eq!(body["organization"]["id"], w.contoso);
    let (_, body) = w
        .call(
            provider,
            &format!("/api/v1/integrations/HaloPSA?scope={}", w.fabrikam),
        )
        .await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-b"), Some(30))
    );
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=global")
        .await;
    assert_eq!(
        (body["organization"].clone(), body["entity_id"].as_str()),
        (Value::Null, Some("global-tenant"))
    );

    // A customer key: its own organization only, whatever it asks.
    let (status, body) = w.call(contoso, "/api/v1/integrations/HaloPSA").await;
    assert_eq!(
        (status, body["entity_id"].as_str()),
        (200, Some("tenant-a"))
    );
    let (status, _) = w
        .call(
            contoso,
            &format!("/api/v1/integrations/HaloPSA?scope={}", w.contoso),
        )
        .await;
    assert_eq!(status, 200);
    for scope in ["Fabrikam", &w.fabrikam.to_string(), "global", "Nobody"] {
        w.expect_error(
            contoso,
            &format!("/api/v1/integrations/HaloPSA?scope={scope}"),
            403,
            "forbidden",
        )
        .await;
    }

    // A name made of digits is found by its name; `id:` always means an id.
    let numbered = w
        .services
        .create_organization(&w.admin, "2024")
        .await
        .expect("org 2024");
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=2024")
        .await;
    assert_eq!(body["organization"]["id"], numbered.id, "{body}");
    let (_, body) = w
        .call(
            provider,
            &format!("/api/v1/integrations/HaloPSA?scope=id:{}", w.contoso),
        )
        .await;
    assert_eq!(body["organization"]["name"], "Contoso");
    w.expect_error(
        contoso,
        "/api/v1/integrations/HaloPSA?scope=id:999999",
        403,
        "forbidden",
    )
    .await;

    // The scheme is case-insensitive.
    let lower = w
        .app
        .client
        .get(format!("{}/api/v1/integrations/HaloPSA", w.app.address))
        .header("authorization", format!("bearer {}", w.provider_key))
        .send()
        .await
        .expect("request");
    assert_eq!(lower.status(), 200);

    // Malformed requests, unknown routes and other methods get JSON errors too.
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA/mappings?page=abc",
        400,
        "bad_request",
    )
    .await;
    w.expect_error(None, "/api/v1/nothing/here", 404, "not_found")
        .await;
    let posted = w
        .app
        .client
        .post(format!("{}/api/v1/integrations/HaloPSA", w.app.address))
        .bearer_auth(&w.provider_key)
        .send()
        .await
        .expect("request");
    assert_eq!(posted.status(), 405);
    let body: Value = posted.json().await.expect("json");
    assert_eq!(body["error"], "method_not_allowed");

    // 404s.
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA?scope=Nobody",
        404,
        "organization_not_found",
    )
    .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/Nothing",
        404,
        "integration_not_found",
    )
    .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/Nothing/mappings",
        404,
        "integration_not_found",
    )
    .await;

    // Mappings: all for a provider key, only its own for a customer key.
    let (status, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA/mappings")
        .await;
    assert_eq!((status, body["total"].as_i64()), (200, Some(2)));
    assert_eq!(body["items"][0]["organization_name"], "Contoso");
    assert_eq!(body["items"][1]["entity_id"], "tenant-b");
    let (_, body) = w
        .call(contoso, "/api/v1/integrations/HaloPSA/mappings")
        .await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["items"][0]["entity_id"], "tenant-a");
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA/mappings?page=0",
        400,
        "bad_request",
    )
    .await;

    // Revoked and expired keys are refused at once.
    let keys = w.services.api_keys(1).await.expect("keys");
    let contoso_key_id = keys
        .items
        .iter()
        .find(|k| k.name == "contoso automation")
        .expect("key")
        .id;
    w.services
        .revoke_api_key(&w.admin, contoso_key_id)
        .await
        .expect("revoke");
    w.expect_error(contoso, "/api/v1/integrations/HaloPSA", 401, "unauthorized")
        .await;
    sqlx::query("UPDATE api_keys SET expires_at = 1")
        .execute(w.app.db().store.raw_pool())
        .await
        .expect("expire");
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;

    // Only hashes are stored, and a use was recorded.
    let stored: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT key_hash, last_used_at FROM api_keys")
            .fetch_all(w.app.db().store.raw_pool())
            .await
            .expect("rows");
    assert!(stored
        .iter()
        .all(|(hash, _)| hash.len() == 64 && !w.provider_key.contains(hash.as_str())));
    assert!(stored.iter().all(|(_, used)| used.is_some()));
    w.app.finish().await;
}

async fn oauth_states_map_to_their_codes(db: TestDb) {
    let w = world(db).await;
    let provider_key = Some(w.provider_key.as_str());
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_not_connected",
    )
    .await;
    w.connect_halo().await;
    let (status, body) = w
        .call(provider_key, "/api/v1/integrations/HaloPSA?scope=Contoso")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["oauth"]["access_token"], "canary-access-1");
    assert_eq!(body["oauth"]["token_type"], "Bearer");
    assert!(body["oauth"]["expires_at"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));

    // Expired with the provider failing: 502, and the stored token kept.
    let pool = w.app.db().store.raw_pool();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    provider.set_fault(Fault::ServerError);
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        502,
        "oauth_provider_error",
    )
    .await;

    // The grant revoked at the provider: 409 until someone reconnects.
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(pool)
        .await
        .expect("end backoff");
    provider.set_fault(Fault::None);
    provider.revoke_all_refresh_tokens();
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_needs_reconnect",
    )
    .await;
    w.app.finish().await;
}

/// A provider that hangs holds only its own integration's requests, and those no longer than
/// the provider timeout allows (3 attempts); every other integration and page keeps answering.
/// The API and the OAuth tab say what went wrong, and the integration recovers with the provider.
async fn a_hanging_provider_holds_only_its_own_integration(db: TestDb) {
    let w = world_configured(db, |config| {
        config.provider_timeout = Duration::from_secs(2);
        config.retry_pause = Duration::from_millis(100);
    })
    .await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    w.create_ninjaone().await;
    let pool = w.app.db().store.raw_pool();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    provider.set_fault(Fault::Slow(Duration::from_secs(60)));

    let mut hanging = Vec::new();
    for n in 0..8 {
        let (address, key) = (w.app.address.clone(), w.provider_key.clone());
        let scope = if n % 2 == 0 { "?scope=Contoso" } else { "" };
        hanging.push(tokio::spawn(async move {
            let started = std::time::Instant::now();
            let response = reqwest::Client::new()
                .get(format!("{address}/api/v1/integrations/HaloPSA{scope}"))
                .bearer_auth(key)
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, body, started.elapsed())
        }));
    }
    // Meanwhile the other integration and the admin pages answer as fast as ever.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut slowest = Duration::ZERO;
    let meanwhile = std::time::Instant::now();
    while meanwhile.elapsed() < Duration::from_millis(1_500) {
        let started = std::time::Instant::now();
        let (status, body) = w
            .call_as_workflow(Some(&w.provider_key), "/api/v1/integrations/NinjaOne")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["entity_id"], "ninja-global");
        let page = w.app.get("/settings/integrations").await;
        assert_eq!(page.status(), 200);
        slowest = slowest.max(started.elapsed());
        assert!(
            hanging.iter().all(|task| !task.is_finished()),
            "the HaloPSA requests are waiting on the provider meanwhile"
        );
    }
    assert!(slowest < Duration::from_secs(3), "slowest {slowest:?}");

    // At most 3 attempts of 2 s with pauses of 0.1 and 0.4 s, then a clear error.
    for task in hanging {
        let (status, body, elapsed) = task.await.expect("task");
        assert_eq!(
            (status, body["error"].as_str()),
            (502, Some("oauth_provider_error")),
            "{body}"
        );
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("no answer in time"), "{message}");
        assert!(elapsed < Duration::from_secs(10), "held {elapsed:?}");
    }
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "one series of attempts"
    );
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Provider error") && html.contains("no answer in time"),
        "{html}"
    );

    // The provider answers again: once the 30 s pause is over (ended here), a fresh token.
    provider.set_fault(Fault::None);
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(pool)
        .await
        .expect("end the pause");
    let (status, body) = w
        .call_as_workflow(Some(&w.provider_key), "/api/v1/integrations/HaloPSA")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["oauth"]["access_token"], "canary-access-2");
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    assert_eq!(tab.status(), 200);
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Connected") && !html.contains("Provider error"),
        "{html}"
    );

    // A revoked grant: the tab says Needs reconnect, the API answers 409.
    provider.revoke_all_refresh_tokens();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    w.expect_error(
        Some(&w.provider_key),
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_needs_reconnect",
    )
    .await;
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Needs reconnect") && html.contains("invalid_grant"),
        "{html}"
    );
    w.app.finish().await;
}

async fn the_openapi_document_describes_the_routes(db: TestDb) {
    let w = world(db).await;
    // Without a session (a fresh client) or a key: refused.
    let anonymous = TestApp::client_for(&w.app);
    for path in ["/api/v1/openapi.json", "/api/v1/docs"] {
        assert_eq!(anonymous.get(path).await.status(), 401, "{path}");
    }
    let (status, doc) = w.call(Some(&w.provider_key), "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        doc["paths"]["/api/v1/integrations/{name}"]["get"].is_object(),
        "{doc}"
    );
    assert!(doc["paths"]["/api/v1/integrations/{name}/mappings"]["get"].is_object());
    assert!(doc["components"]["schemas"]["ResolvedIntegration"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    // The signed-in administrator reads the reference page.
    let page = w.app.get("/api/v1/docs").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("GET /api/v1/integrations/{name}"), "{html}");
    assert!(html.contains("<code>409</code>") && html.contains("needs reconnecting"));
    w.app.finish().await;
}

/// Answers are kept in memory; every kind of change, made by another server on the same
/// database (`w.services`, as a second replica would), shows in the very next answer.
async fn every_change_shows_in_the_next_answer(db: TestDb) {
    let w = world(db).await;
    let provider = Some(w.provider_key.as_str());
    let contoso_path = "/api/v1/integrations/HaloPSA?scope=Contoso";
    let resolve_twice = |path: &'static str| {
        let w = &w;
        async move {
            let (first_status, first) = w.call(provider, path).await;
            let (second_status, second) = w.call(provider, path).await;
            assert_eq!((first_status, &first), (second_status, &second), "{path}");
            (second_status, second)
        }
    };
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(body["config"]["base_url"], "https://halo.example.com");

    // A default.
    w.services
        .save_defaults(
            &w.admin,
            w.integration_id,
            &[set("base_url", "https://halo2.example.com")],
        )
        .await
        .expect("defaults");
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(body["config"]["base_url"], "https://halo2.example.com");

    // An override and the entity ID.
    let mappings = w
        .services
        .mappings(w.integration_id, "Contoso", 1)
        .await
        .expect("mappings");
    let mapping_id = mappings.items[0].id;
    w.services
        .update_mapping(
            &w.admin,
            w.integration_id,
            mapping_id,
            &MappingDraft {
                organization_id: w.contoso,
                entity_id: "tenant-a2".into(),
                entity_name: "Contoso Ltd".into(),
                overrides: vec![set("timeout", "46")],
            },
        )
        .await
        .expect("mapping");
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-a2"), Some(46))
    );

    // The organization's name, which the scope names.
    w.services
        .rename_organization(&w.admin, w.contoso, "Contoso Group")
        .await
        .expect("rename");
    w.expect_error(provider, contoso_path, 404, "organization_not_found")
        .await;
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["organization"]["name"], "Contoso Group");

    // The mapping, gone: the global scope applies.
    w.services
        .delete_mapping(&w.admin, w.integration_id, mapping_id)
        .await
        .expect("delete mapping");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(
        (body["mapped"].as_bool(), body["entity_id"].as_str()),
        (Some(false), Some("global-tenant"))
    );

    // A change the services did not make (another tool on the database) shows too.
    sqlx::query("UPDATE integrations SET default_entity_id = 'edited-directly'")
        .execute(w.app.db().store.raw_pool())
        .await
        .expect("edit");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["entity_id"], "edited-directly");

    // The answers do come from memory: with the trigger that reports this table's changes
    // gone, a change goes unseen.
    let drop_trigger = match w.app.db().store.backend() {
        Backend::Sqlite => "DROP TRIGGER integrations_update_bumps_generation",
        Backend::Postgres => "DROP TRIGGER integrations_bumps_generation ON integrations",
    };
    let pool = w.app.db().store.raw_pool();
    sqlx::query(drop_trigger).execute(pool).await.expect("drop");
    sqlx::query("UPDATE integrations SET default_entity_id = 'unseen'")
        .execute(pool)
        .await
        .expect("edit");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["entity_id"], "edited-directly", "answered from memory");

    // The integration, gone.
    w.services
        .delete_integration(&w.admin, w.integration_id)
        .await
        .expect("delete integration");
    w.expect_error(provider, contoso_path, 404, "organization_not_found")
        .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA?scope=Contoso%20Group",
        404,
        "integration_not_found",
    )
    .await;
    w.app.finish().await;
}

/// Unmapped means not configured, for a customer key: an organization without a mapping, asking
/// with its own key, and a mapped one asking for an integration it is not mapped to, get 404
/// `integration_not_configured` and nothing of the defaults, the secret, the Default Entity ID or
/// the shared token, which is connected. A provider key keeps the global fallback.
async fn an_unmapped_customer_gets_nothing_of_the_integration(db: TestDb) {
    let w = world(db).await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    let northwind = w
        .services
        .create_organization(&w.admin, "Northwind")
        .await
        .expect("organization")
        .id;
    let northwind_key = new_api_key(&w.services, &w.admin, northwind, "northwind automation").await;
    w.create_ninjaone().await;

    // What the provider's key gets for Northwind: the global scope, with the shared token.
    let (status, body) = w
        .call(
            Some(&w.provider_key),
            "/api/v1/integrations/HaloPSA?scope=Northwind",
        )
        .await;
    assert_eq!(
        (status, body["mapped"].as_bool(), body["entity_id"].as_str()),
        (200, Some(false), Some("global-tenant")),
        "{body}"
    );
    let shared_token = body["oauth"]["access_token"]
        .as_str()
        .expect("the shared token is connected")
        .to_string();

    for (key, path) in [
        (&northwind_key, "/api/v1/integrations/HaloPSA"),
        (
            &northwind_key,
            "/api/v1/integrations/HaloPSA?scope=Northwind",
        ),
        (&northwind_key, "/api/v1/integrations/halopsa?scope=id:0"),
        (&w.contoso_key, "/api/v1/integrations/NinjaOne"),
    ] {
        let (status, body) = w.call(Some(key), path).await;
        let text = body.to_string();
        if path.ends_with("id:0") {
            // Another organization's id: forbidden before anything is looked up.
            assert_eq!(status, 403, "{path}: {text}");
        } else {
            assert_eq!(
                (status, body["error"].as_str()),
                (404, Some("integration_not_configured")),
                "{path}: {text}"
            );
        }
        for leaked in [SECRET_VALUE, "global-tenant", "ninja-global", &shared_token] {
            assert!(!text.contains(leaked), "{path} told {leaked}: {text}");
        }
    }
    // Mapped, Northwind gets its own configuration; the answer is not kept from before.
    w.services
        .create_mapping(
            &w.admin,
            w.integration_id,
            &MappingDraft {
                organization_id: northwind,
                entity_id: "tenant-n".into(),
                entity_name: "Northwind Ltd".into(),
                overrides: vec![],
            },
        )
        .await
        .expect("mapping");
    let (status, body) = w
        .call(Some(&northwind_key), "/api/v1/integrations/HaloPSA")
        .await;
    assert_eq!(
        (status, body["mapped"].as_bool(), body["entity_id"].as_str()),
        (200, Some(true), Some("tenant-n")),
        "{body}"
    );
    w.app.finish().await;
}

/// A customer key, on every route the OpenAPI document lists and with every way of naming
/// another organization, never gets anything of it back; nor do the admin server functions
/// answer a bearer key instead of a session.
async fn a_customer_key_reads_nothing_of_another_organization(db: TestDb) {
    let w = world(db).await;
    let contoso = Some(w.contoso_key.as_str());
    let (_, doc) = w.call(None, "/api/v1/openapi.json").await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(|path| path.replace("{name}", "HaloPSA"))
        .collect();
    assert!(paths.len() >= 2, "{paths:?}");
    let fabrikam_id = w.fabrikam.to_string();
    let scopes = [
        "Fabrikam".to_string(),
        "fabrikam".to_string(),
        fabrikam_id.clone(),
        format!("id:{fabrikam_id}"),
        format!("%20id:{fabrikam_id}%20"),
        "global".to_string(),
        "GLOBAL".to_string(),
        "id:-1".to_string(),
        "%27%20OR%201=1--".to_string(),
    ];
    for path in &paths {
        let mut asks = vec![path.clone()];
        for scope in &scopes {
            asks.push(format!("{path}?scope={scope}"));
            asks.push(format!("{path}?scope={scope}&page=1"));
        }
        for ask in asks {
            let (status, body) = w.call_as_workflow(contoso, &ask).await;
            let text = body.to_string().to_lowercase();
            assert!(
                !text.contains("tenant-b")
                    && !text.contains("fabrikam")
                    && !text.contains("global-tenant"),
                "{ask} answered {status}: {text}"
            );
            // The resolve route refuses every other scope outright.
            if ask.contains("scope=") && path.ends_with("HaloPSA") {
                assert_eq!(status, 403, "{ask}: {text}");
            }
        }
        // Its own organization, asked for by name, is answered.
        if path.starts_with("/api/v1/integrations/") {
            let own = format!("{path}?scope=Contoso");
            let (status, body) = w.call_as_workflow(contoso, &own).await;
            assert_eq!(status, 200, "{own}: {body}");
        }
    }
    // The admin server functions want a session; a bearer key is not one.
    let keyholder = super::test_app::TestApp::client_for(&w.app);
    let listed = keyholder
        .client
        .post(format!("{}/api/integrations/list", w.app.address))
        .bearer_auth(&w.provider_key)
        .header("origin", &w.app.address)
        .form(&[("search", ""), ("page", "1")])
        .send()
        .await
        .expect("request");
    let status = listed.status().as_u16();
    let text = listed.text().await.expect("body");
    assert_eq!(status, 401, "{text}");
    assert!(!text.contains("HaloPSA"), "{text}");
    w.app.finish().await;
}

macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(crate::helpers::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::helpers::TestDb::postgres().await else { return };
                    super::$case(db).await;
                }
            )*
        }
    };
}

both_backends!(
    keys_and_scopes,
    every_change_shows_in_the_next_answer,
    a_customer_key_reads_nothing_of_another_organization,
    an_unmapped_customer_gets_nothing_of_the_integration,
    oauth_states_map_to_their_codes,
    a_hanging_provider_holds_only_its_own_integration,
    the_openapi_document_describes_the_routes,
);
