//! Changing an integration: unique names, type changes checked against the stored values,
//! field removal confirmed, renames that keep mappings and values, and deletion.

use app::domain::integration::FieldType;
use app::error::AppError;
use app::ssr::IntegrationServices;
use bifrost::store::Store;
use serde_json::json;

use super::fixtures::*;
use crate::helpers::{assert_field_refused_with, set_value as set};

async fn names_are_unique_in_any_case(store: Store) {
    let (services, _) = halo(&store).await;
    let mut again = halo_draft();
    again.name = "halopsa".into();
    let error = services
        .create_integration(&admin(), &again)
        .await
        .expect_err("duplicate");
    assert_eq!(
        error.for_field("name"),
        Some("an integration with this name already exists")
    );
    let found = services.integration("HALOPSA").await.expect("by name");
    assert_eq!(found.name, "HaloPSA");
    assert_eq!(found.fields.len(), 5);
    let list = services.integrations("halo", 1).await.expect("list");
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].field_count, 5);
}

async fn type_changes_are_refused_while_values_would_not_parse(store: Store) {
    let (services, halo, _) = halo_with_contoso_mapped(
        &store,
        &[set("base_url", "42"), set("api_key", "s")],
        "t",
        vec![set("base_url", "https://c")],
    )
    .await;
    let current = services.integration("HaloPSA").await.expect("view");
    let mut draft = current.to_draft();
    draft.fields[0].field_type = FieldType::Int;
    let error = update_integration(&services, halo.id, &draft)
        .await
        .expect_err("contoso's value is not an int");
    let message = error.for_field("fields.0.type").expect("names the field");
    assert!(
        message.contains("Contoso") && !message.contains("the default"),
        "{message}"
    );

    let mut draft = current.to_draft();
    draft.fields[4].field_type = FieldType::String;
    let error = update_integration(&services, halo.id, &draft)
        .await
        .expect_err("secret to string");
    assert_field_refused_with(&error, "fields.4.type", "secret");

    // Values that parse allow the change: string "42"/"https://c" → json fails, timeout unset → ok.
    let mut draft = current.to_draft();
    draft.fields[1].field_type = FieldType::String;
    update_integration(&services, halo.id, &draft)
        .await
        .expect("no values");
}

async fn removing_a_field_with_values_needs_confirmation(store: Store) {
    let (services, halo) = halo(&store).await;
    save_defaults(&services, halo.id, &[set("timeout", "5")])
        .await
        .expect("defaults");
    let mut draft = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    draft.fields.remove(1);
    let error = update_integration(&services, halo.id, &draft)
        .await
        .expect_err("needs confirmation");
    assert!(
        matches!(&error, AppError::NeedsConfirmation(m) if m.contains("\"timeout\" (1 stored value)")),
        "{error}"
    );
    draft.confirm_field_removal = true;
    let updated = update_integration(&services, halo.id, &draft)
        .await
        .expect("confirmed");
    assert_eq!(updated.fields.len(), 4);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM config_values")
        .fetch_one(store.raw_pool())
        .await
        .expect("count");
    assert_eq!(count, 0);
}

async fn renaming_and_reordering_keep_mappings_and_values(store: Store) {
    let (services, halo, contoso) = halo_with_contoso_mapped(
        &store,
        &[set("base_url", "https://h"), set("timeout", "5")],
        "t",
        vec![],
    )
    .await;
    let mut draft = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    draft.name = "Halo".into();
    // Swap the keys of the first two fields: values follow the field, not the key.
    draft.fields.swap(0, 1);
    draft.fields[0].key = "seconds".into();
    draft.fields[1].key = "url".into();
    update_integration(&services, halo.id, &draft)
        .await
        .expect("rename");
    assert!(matches!(
        services.integration("HaloPSA").await,
        Err(AppError::NotFound(_))
    ));
    let merged = merged_config(&services, "Halo", Some(contoso))
        .await
        .expect("merged");
    assert!(merged.mapped);
    assert_eq!(merged.config["url"], json!("https://h"));
    assert_eq!(merged.config["seconds"], json!(5));
    let view = services.integration("Halo").await.expect("view");
    assert_eq!(view.fields[0].key, "seconds");
}

async fn deleting_an_integration_takes_its_mappings_and_values(store: Store) {
    let (services, halo, _) = halo_with_contoso_mapped(
        &store,
        &[set("timeout", "5")],
        "t",
        vec![set("timeout", "6")],
    )
    .await;
    let impact = services
        .integration_deletion_impact(halo.id)
        .await
        .expect("impact");
    assert_eq!((impact.mappings, impact.values), (1, 2));
    services
        .delete_integration(&admin(), halo.id)
        .await
        .expect("delete");
    for table in [
        "integration_mappings",
        "config_values",
        "integration_fields",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(store.raw_pool())
            .await
            .expect("count");
        assert_eq!(count, 0, "{table}");
    }
}

crate::both_backends!(
    store: names_are_unique_in_any_case,
    type_changes_are_refused_while_values_would_not_parse,
    removing_a_field_with_values_needs_confirmation,
    renaming_and_reordering_keep_mappings_and_values,
    deleting_an_integration_takes_its_mappings_and_values,
);
