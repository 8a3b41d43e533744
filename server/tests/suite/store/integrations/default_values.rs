//! Default values: typed and saved all or nothing, secrets sealed and shown only as set, and a
//! ciphertext moved to another row refused instead of decrypted to garbage.

use app::domain::integration::{ShownValue, ValueChange, ValueInput};
use app::error::AppError;
use app::ssr::ConfigurationServices;
use bifrost::store::Store;
use serde_json::json;

use super::fixtures::*;
use crate::helpers::{assert_field_refused_with, set_value as set};

async fn defaults_are_typed_and_saved_all_or_nothing(store: Store) {
    let (services, halo) = halo(&store).await;
    let error = save_defaults(
        &services,
        halo.id,
        &[set("base_url", "https://halo"), set("timeout", "abc")],
    )
    .await
    .expect_err("bad int");
    assert_field_refused_with(&error, "timeout", "whole number");
    let values = services.default_values(halo.id).await.expect("values");
    assert!(
        values.iter().all(|v| v.value == ShownValue::Unset),
        "nothing saved"
    );

    let error = save_defaults(&services, halo.id, &[set("custom", "{\"a\": }")])
        .await
        .expect_err("bad json");
    assert_field_refused_with(&error, "custom", "line 1, column");
    let error = save_defaults(
        &services,
        halo.id,
        &[
            set("timeout", "soon"),
            set("verbose", "maybe"),
            set("custom", "["),
        ],
    )
    .await
    .expect_err("three bad values");
    for key in ["timeout", "verbose", "custom"] {
        assert!(error.for_field(key).is_some(), "{key} is marked: {error}");
    }
    let error = save_defaults(&services, halo.id, &[set("nope", "1")])
        .await
        .expect_err("unknown key");
    assert!(error.for_field("nope").is_some());

    save_defaults(
        &services,
        halo.id,
        &[
            set("base_url", "https://halo.example"),
            set("timeout", " 30 "),
            set("verbose", "true"),
            set("custom", "{\"region\": \"eu\"}"),
            set("api_key", "sk-default-secret"),
        ],
    )
    .await
    .expect("save");
    let merged = merged_config(&services, "HaloPSA", None)
        .await
        .expect("merged");
    assert_eq!(
        serde_json::Value::Object(merged.config.clone()),
        json!({
            "base_url": "https://halo.example",
            "timeout": 30,
            "verbose": true,
            "custom": {"region": "eu"},
            "api_key": "sk-default-secret",
        })
    );
    assert_eq!(merged.entity_id, "common");
    assert!(!merged.mapped);
    assert!(merged.missing_required.is_empty());
    assert!(!format!("{merged:?}").contains("sk-default-secret"));
}

async fn secrets_are_stored_sealed_and_shown_only_as_set(store: Store) {
    let (services, halo) = halo(&store).await;
    save_defaults(&services, halo.id, &[set("api_key", "sk-plaintext-canary")])
        .await
        .expect("save");
    let rows: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT value, secret_value FROM config_values")
            .fetch_all(store.raw_pool())
            .await
            .expect("rows");
    assert_eq!(rows.len(), 1);
    let (plain, sealed) = &rows[0];
    assert!(plain.is_none());
    let sealed = sealed.as_deref().expect("sealed");
    assert!(
        sealed.starts_with("v1.") && !sealed.contains("canary"),
        "{sealed}"
    );
    let log: Vec<String> = sqlx::query_scalar("SELECT changes FROM audit_log")
        .fetch_all(store.raw_pool())
        .await
        .expect("log");
    assert!(log.iter().all(|changes| !changes.contains("canary")));

    let values = services.default_values(halo.id).await.expect("values");
    let api_key = values
        .iter()
        .find(|v| v.field.key == "api_key")
        .expect("field");
    assert_eq!(api_key.value, ShownValue::SecretSet);
    // Keep leaves the secret alone; Clear removes it.
    let keep = ValueInput {
        key: "api_key".into(),
        change: ValueChange::Keep,
    };
    save_defaults(&services, halo.id, &[keep])
        .await
        .expect("keep");
    let merged = merged_config(&services, "HaloPSA", None)
        .await
        .expect("merged");
    assert_eq!(merged.config["api_key"], json!("sk-plaintext-canary"));
    save_defaults(&services, halo.id, &[clear("api_key")])
        .await
        .expect("clear");
    let merged = merged_config(&services, "HaloPSA", None)
        .await
        .expect("merged");
    assert!(!merged.config.contains_key("api_key"));
}

async fn a_ciphertext_moved_to_another_row_fails_instead_of_giving_garbage(store: Store) {
    let (services, _, contoso) = halo_with_contoso_mapped(
        &store,
        &[set("api_key", "default-secret")],
        "t-1",
        vec![set("api_key", "contoso-secret")],
    )
    .await;
    sqlx::query(
        "UPDATE config_values SET secret_value = \
         (SELECT secret_value FROM config_values WHERE mapping_id IS NULL) WHERE mapping_id IS NOT NULL",
    )
    .execute(store.raw_pool())
    .await
    .expect("move ciphertext");
    let error = merged_config(&services, "HaloPSA", Some(contoso))
        .await
        .expect_err("moved ciphertext");
    assert_eq!(error, AppError::Internal);
    assert!(merged_config(&services, "HaloPSA", None).await.is_ok());
}

crate::both_backends!(
    store: defaults_are_typed_and_saved_all_or_nothing,
    secrets_are_stored_sealed_and_shown_only_as_set,
    a_ciphertext_moved_to_another_row_fails_instead_of_giving_garbage,
);
