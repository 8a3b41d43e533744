//! The world the API tests run in: a server with HaloPSA (defaults, a secret), Contoso and
//! Fabrikam mapped, a provider key and Contoso's key, and ways to call the API as a workflow.

use app::domain::ids::{IntegrationId, OrganizationId};
use std::time::Duration;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::FieldType;
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::{ConfigurationServices, IntegrationServices, OAuthServices};
use bifrost::services::{ServerServices, ServicesConfig};
use serde_json::Value;

use crate::helpers::{
    create_mapped_organization, integration_draft, new_api_key, provider_organization_id,
    schema_field, set_value as set, TestDb,
};
use crate::http::test_app::TestApp;
use crate::provider::{connect_with_consent, FakeProvider, CLIENT_SECRET};

pub(super) const SECRET_VALUE: &str = "halo-api-secret-value";

pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) services: ServerServices,
    pub(super) admin: CurrentAdmin,
    pub(super) provider_key: String,
    pub(super) contoso_key: String,
    pub(super) contoso: OrganizationId,
    pub(super) fabrikam: OrganizationId,
    pub(super) integration_id: IntegrationId,
}

pub(super) async fn world(db: TestDb) -> World {
    world_configured(db, |_| {}).await
}

/// The world on a server whose services' settings are adjusted.
pub(super) async fn world_configured(
    db: TestDb,
    adjust: impl FnOnce(&mut ServicesConfig),
) -> World {
    let app = TestApp::spawn_signed_in_on(db, adjust).await;
    let mut config = ServicesConfig::new(&app.address, false)
        .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
    config.provider_timeout = Duration::from_secs(2);
    config.retry_pause = Duration::from_millis(10);
    let services = ServerServices::new(app.db().store.clone(), config, app.keyring.clone());
    let admin = CurrentAdmin {
        id: 1.into(),
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
        let overrides = if timeout.is_empty() {
            Vec::new()
        } else {
            vec![set("timeout", timeout)]
        };
        let entity_name = format!("{name} Ltd");
        let (organization_id, _) = create_mapped_organization(
            &services,
            &admin,
            integration.id,
            name,
            tenant,
            &entity_name,
            overrides,
        )
        .await;
        organizations.push(organization_id);
    }
    let provider_org = provider_organization_id(&app.db().store).await;
    let provider_key = new_api_key(&services, &admin, provider_org, "runner").await;
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
    pub(super) async fn call(&self, key: Option<&str>, path: &str) -> (u16, Value) {
        self.call_with(&self.app.client, key, path).await
    }

    /// As a workflow calls: the key alone, no administrator's session cookie.
    pub(super) async fn call_as_workflow(&self, key: Option<&str>, path: &str) -> (u16, Value) {
        let workflow = reqwest::Client::new();
        self.call_with(&workflow, key, path).await
    }

    pub(super) async fn call_with(
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
    pub(super) async fn link_halo_to(&self, provider: &FakeProvider) {
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

    /// A second integration, NinjaOne, with a Default Entity ID and no mappings.
    pub(super) async fn create_ninjaone(&self) {
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

    /// Connects HaloPSA's shared token, as Connect and the provider's callback would.
    pub(super) async fn connect_halo(&self) {
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

    pub(super) async fn expect_error(
        &self,
        key: Option<&str>,
        path: &str,
        status: u16,
        code: &str,
    ) {
        let (got, body) = self.call(key, path).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(code)),
            "{path}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}
