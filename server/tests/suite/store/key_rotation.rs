//! Key rotation on both backends: every secret is re-sealed under the new key and still opens,
//! also with only the new key held.

use std::sync::Arc;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    FieldType, IntegrationDraft, MappingDraft, SchemaField, ValueChange, ValueInput,
};
use app::domain::oauth::{OAuthConnectionDraft, SecretChange};
use app::ssr::{
    ConfigurationServices, IntegrationServices, MappingServices, OAuthServices,
    OrganizationServices,
};
use bifrost::crypto::{key_id_of, Keyring, SecretKey};
use bifrost::services::{ServerServices, ServicesConfig};
use bifrost::store::audit::Actor;
use bifrost::store::Store;
use serde_json::json;

fn services(store: &Store, keys: &str) -> ServerServices {
    let keyring = Arc::new(Keyring::from_text(keys).expect("keys"));
    ServerServices::new(
        store.clone(),
        ServicesConfig::new("http://127.0.0.1:3000", false)
            .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network()),
        keyring,
    )
}

fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1.into(),
        email: "admin@example.com".into(),
    }
}

fn secret_input(text: &str) -> Vec<ValueInput> {
    vec![ValueInput {
        key: "api_key".into(),
        change: ValueChange::Set(text.into()),
    }]
}

async fn sealed_values(store: &Store) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT secret_value FROM config_values WHERE secret_value IS NOT NULL ORDER BY id",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("secrets")
}

async fn rotation_reseals_every_secret_under_the_new_key(store: Store) {
    let (_, old) = SecretKey::generate();
    let (new_key, new) = SecretKey::generate();
    let before = services(&store, &old);
    let draft = IntegrationDraft {
        name: "Graph".into(),
        fields: vec![SchemaField {
            id: None,
            key: "api_key".into(),
            field_type: FieldType::Secret,
            required: false,
            description: String::new(),
        }],
        ..Default::default()
    };
    let graph = before
        .create_integration(&admin(), &draft)
        .await
        .expect("create");
    before
        .save_defaults(&admin(), graph.id, &secret_input("default-secret"))
        .await
        .expect("default");
    let mut organizations = Vec::new();
    for n in 0..3 {
        let org = before
            .create_organization(&admin(), &format!("Org {n}"))
            .await
            .expect("org")
            .id;
        let mapping = MappingDraft {
            organization_id: org,
            entity_id: format!("t{n}"),
            entity_name: String::new(),
            overrides: secret_input(&format!("secret-{n}")),
        };
        before
            .create_mapping(&admin(), graph.id, &mapping)
            .await
            .expect("mapping");
        organizations.push(org);
    }
    let old_sealed = sealed_values(&store).await;
    assert_eq!(old_sealed.len(), 4);
    let connection = OAuthConnectionDraft {
        name: "Graph".into(),
        token_url: "https://login.example.com/token".into(),
        authorization_url: "https://login.example.com/authorize".into(),
        client_id: "id".into(),
        client_secret: SecretChange::Set("client-secret".into()),
        ..Default::default()
    };
    before
        .create_oauth_connection(&admin(), &connection)
        .await
        .expect("connection");

    let during = services(&store, &format!("{new},{old}"));
    let actor = Actor {
        admin_id: None,
        label: "test".into(),
    };
    let report = during.reseal_all_secrets(&actor).await.expect("rotate");
    assert_eq!(
        report.resealed, 5,
        "four config values and one client secret"
    );
    assert_eq!(report.remaining, 0);
    assert_eq!(report.key_id, new_key.id());
    let new_sealed = sealed_values(&store).await;
    assert!(
        new_sealed
            .iter()
            .all(|sealed| key_id_of(sealed) == Some(new_key.id())),
        "{new_sealed:?}"
    );

    // A second run finds nothing to do.
    assert_eq!(
        during
            .reseal_all_secrets(&actor)
            .await
            .expect("again")
            .resealed,
        0
    );

    let after = services(&store, &new);
    let merged = after.merged_config("Graph", None).await.expect("default");
    assert_eq!(merged.config["api_key"], json!("default-secret"));
    for (n, org) in organizations.iter().enumerate() {
        let merged = after.merged_config("Graph", Some(*org)).await.expect("org");
        assert_eq!(merged.config["api_key"], json!(format!("secret-{n}")));
    }
    let client_secret: String = sqlx::query_scalar("SELECT client_secret FROM oauth_connections")
        .fetch_one(store.raw_pool())
        .await
        .expect("client secret");
    assert_eq!(key_id_of(&client_secret), Some(new_key.id()));
    // The old key alone no longer opens them: the rotation really re-encrypted.
    assert!(services(&store, &old)
        .merged_config("Graph", None)
        .await
        .is_err());
}

crate::both_backends!(store: rotation_reseals_every_secret_under_the_new_key);
