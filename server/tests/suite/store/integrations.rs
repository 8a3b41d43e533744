//! Integrations, defaults, mappings and the merged config, through the services, on both backends.

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    FieldType, IntegrationDraft, IntegrationView, MappingDraft, OrganizationChoice, SchemaField,
    ShownValue, ValueChange, ValueInput,
};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, MappingServices};
use bifrost::services::ServerServices;
use bifrost::store::audit::{Actor, AuditRecord};
use bifrost::store::config_values::{FieldWrite, ValueWrite};
use bifrost::store::integrations::IntegrationDetails;
use bifrost::store::{Store, StoreError};
use serde_json::json;

use crate::helpers::{services_for, set_value as set, test_keyring};

fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1,
        email: "admin@example.com".into(),
    }
}

fn field(key: &str, field_type: FieldType, required: bool) -> SchemaField {
    SchemaField {
        id: None,
        key: key.into(),
        field_type,
        required,
        description: String::new(),
    }
}

fn halo_draft() -> IntegrationDraft {
    IntegrationDraft {
        name: "HaloPSA".into(),
        description: "Tickets".into(),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: "common".into(),
        fields: vec![
            field("base_url", FieldType::String, true),
            field("timeout", FieldType::Int, false),
            field("verbose", FieldType::Bool, false),
            field("custom", FieldType::Json, false),
            field("api_key", FieldType::Secret, false),
        ],
        confirm_field_removal: false,
        opened_at_version: None,
    }
}

fn clear(key: &str) -> ValueInput {
    ValueInput {
        key: key.into(),
        change: ValueChange::Clear,
    }
}

/// HaloPSA as `halo_draft` describes it.
async fn create_halo(services: &ServerServices) -> IntegrationView {
    services
        .create_integration(&admin(), &halo_draft())
        .await
        .expect("create")
}

async fn organization(services: &ServerServices, name: &str) -> i64 {
    services
        .create_organization(&admin(), name)
        .await
        .expect("organization")
        .id
}

async fn mapping(
    services: &ServerServices,
    integration_id: i64,
    organization_id: i64,
    entity_id: &str,
    overrides: Vec<ValueInput>,
) -> Result<i64, AppError> {
    let draft = MappingDraft {
        organization_id,
        entity_id: entity_id.into(),
        entity_name: String::new(),
        overrides,
    };
    services
        .create_mapping(&admin(), integration_id, &draft)
        .await
        .map(|summary| summary.id)
}

async fn names_are_unique_in_any_case(store: Store) {
    let services = services_for(&store);
    services
        .create_integration(&admin(), &halo_draft())
        .await
        .expect("create");
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

async fn defaults_are_typed_and_saved_all_or_nothing(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let error = services
        .save_defaults(
            &admin(),
            halo.id,
            &[set("base_url", "https://halo"), set("timeout", "abc")],
        )
        .await
        .expect_err("bad int");
    assert!(
        error
            .for_field("timeout")
            .is_some_and(|m| m.contains("whole number")),
        "{error}"
    );
    let values = services.default_values(halo.id).await.expect("values");
    assert!(
        values.iter().all(|v| v.value == ShownValue::Unset),
        "nothing saved"
    );

    let error = services
        .save_defaults(&admin(), halo.id, &[set("custom", "{\"a\": }")])
        .await
        .expect_err("bad json");
    assert!(
        error
            .for_field("custom")
            .is_some_and(|m| m.contains("line 1, column")),
        "{error}"
    );
    let error = services
        .save_defaults(
            &admin(),
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
    let error = services
        .save_defaults(&admin(), halo.id, &[set("nope", "1")])
        .await
        .expect_err("unknown key");
    assert!(error.for_field("nope").is_some());

    services
        .save_defaults(
            &admin(),
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
    let merged = services
        .merged_config("HaloPSA", None)
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
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    services
        .save_defaults(&admin(), halo.id, &[set("api_key", "sk-plaintext-canary")])
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
    services
        .save_defaults(&admin(), halo.id, &[keep])
        .await
        .expect("keep");
    let merged = services
        .merged_config("HaloPSA", None)
        .await
        .expect("merged");
    assert_eq!(merged.config["api_key"], json!("sk-plaintext-canary"));
    services
        .save_defaults(&admin(), halo.id, &[clear("api_key")])
        .await
        .expect("clear");
    let merged = services
        .merged_config("HaloPSA", None)
        .await
        .expect("merged");
    assert!(!merged.config.contains_key("api_key"));
}

async fn a_ciphertext_moved_to_another_row_fails_instead_of_giving_garbage(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let contoso = organization(&services, "Contoso").await;
    services
        .save_defaults(&admin(), halo.id, &[set("api_key", "default-secret")])
        .await
        .expect("save");
    mapping(
        &services,
        halo.id,
        contoso,
        "t-1",
        vec![set("api_key", "contoso-secret")],
    )
    .await
    .expect("mapping");
    sqlx::query(
        "UPDATE config_values SET secret_value = \
         (SELECT secret_value FROM config_values WHERE mapping_id IS NULL) WHERE mapping_id IS NOT NULL",
    )
    .execute(store.raw_pool())
    .await
    .expect("move ciphertext");
    let error = services
        .merged_config("HaloPSA", Some(contoso))
        .await
        .expect_err("moved ciphertext");
    assert_eq!(error, AppError::Internal);
    assert!(services.merged_config("HaloPSA", None).await.is_ok());
}

async fn overrides_win_and_unmapped_organizations_get_the_global_scope(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    services
        .save_defaults(
            &admin(),
            halo.id,
            &[set("timeout", "30"), set("verbose", "false")],
        )
        .await
        .expect("defaults");
    let contoso = organization(&services, "Contoso").await;
    let fabrikam = organization(&services, "Fabrikam").await;
    let unmapped = organization(&services, "Unmapped").await;
    let contoso_mapping = mapping(
        &services,
        halo.id,
        contoso,
        "tenant-c",
        vec![set("timeout", "90")],
    )
    .await
    .expect("contoso");
    mapping(
        &services,
        halo.id,
        fabrikam,
        "tenant-f",
        vec![set("base_url", "https://f")],
    )
    .await
    .expect("fabrikam");

    let merged = services
        .merged_config("halopsa", Some(contoso))
        .await
        .expect("contoso");
    assert_eq!(merged.entity_id, "tenant-c");
    assert_eq!(merged.config["timeout"], json!(90));
    assert_eq!(merged.config["verbose"], json!(false));
    assert_eq!(merged.missing_required, vec!["base_url".to_string()]);
    let merged = services
        .merged_config("HaloPSA", Some(fabrikam))
        .await
        .expect("fabrikam");
    assert_eq!(merged.config["timeout"], json!(30));
    assert!(merged.missing_required.is_empty());
    let merged = services
        .merged_config("HaloPSA", Some(unmapped))
        .await
        .expect("unmapped");
    assert!(!merged.mapped);
    assert_eq!(merged.entity_id, "common");

    let list = services.mappings(halo.id, "", 1).await.expect("mappings");
    assert_eq!(list.total, 2);
    let contoso_row = list
        .items
        .iter()
        .find(|m| m.organization_id == contoso)
        .expect("row");
    assert_eq!(contoso_row.override_count, 1);
    assert_eq!(contoso_row.missing_required, vec!["base_url".to_string()]);
    let searched = services
        .mappings(halo.id, "tenant-f", 1)
        .await
        .expect("search");
    assert_eq!(searched.total, 1);

    // Clearing the override falls back to the default.
    let draft = MappingDraft {
        organization_id: contoso,
        entity_id: "tenant-c2".into(),
        entity_name: "Contoso Ltd".into(),
        overrides: vec![clear("timeout")],
    };
    services
        .update_mapping(&admin(), halo.id, contoso_mapping, &draft)
        .await
        .expect("update");
    let merged = services
        .merged_config("HaloPSA", Some(contoso))
        .await
        .expect("contoso");
    assert_eq!(merged.config["timeout"], json!(30));
    assert_eq!(merged.entity_id, "tenant-c2");
    assert_eq!(merged.entity_name, "Contoso Ltd");

    services
        .delete_mapping(&admin(), halo.id, contoso_mapping)
        .await
        .expect("delete");
    let merged = services
        .merged_config("HaloPSA", Some(contoso))
        .await
        .expect("contoso");
    assert!(!merged.mapped);
}

async fn an_organization_is_mapped_once_and_needs_an_entity_id(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let contoso = organization(&services, "Contoso").await;
    let error = mapping(&services, halo.id, contoso, "  ", vec![])
        .await
        .expect_err("no entity");
    assert_eq!(error.for_field("entity_id"), Some("is required"));
    let error = mapping(&services, halo.id, contoso, "t", vec![set("timeout", "x")])
        .await
        .expect_err("bad override");
    assert!(error.for_field("overrides.timeout").is_some(), "{error}");
    mapping(&services, halo.id, contoso, "t", vec![])
        .await
        .expect("first");
    let error = mapping(&services, halo.id, contoso, "t2", vec![])
        .await
        .expect_err("twice");
    assert_eq!(
        error.for_field("organization_id"),
        Some("Contoso is already mapped in this integration")
    );
    let choices = services
        .unmapped_organizations(halo.id, "")
        .await
        .expect("choices");
    assert!(choices.items.iter().all(|choice| choice.id != contoso));
    assert_eq!(
        choices.total, 0,
        "Contoso, the only organization, is mapped"
    );
    let impact = services
        .organization_deletion_impact(contoso)
        .await
        .expect("impact");
    assert_eq!(impact.mappings, 1);
}

/// What is left to map in an integration for `search`: the count and the names shown.
async fn left_to_map(
    services: &ServerServices,
    integration_id: i64,
    search: &str,
) -> (i64, Vec<String>) {
    let choices = services
        .unmapped_organizations(integration_id, search)
        .await
        .expect("choices");
    let names = choices
        .items
        .into_iter()
        .map(|choice: OrganizationChoice| choice.name)
        .collect();
    (choices.total, names)
}

async fn mapping_pages_and_choices_count_what_is_mapped_and_what_is_left(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let northwind = organization(&services, "Northwind").await;
    let contoso = organization(&services, "Contoso").await;
    let fabrikam = organization(&services, "Fabrikam").await;
    let everyone = vec!["Contoso".to_string(), "Fabrikam".into(), "Northwind".into()];
    assert_eq!(left_to_map(&services, halo.id, "").await, (3, everyone));
    for (id, entity) in [(northwind, "n"), (fabrikam, "f")] {
        mapping(&services, halo.id, id, entity, vec![set("timeout", "7")])
            .await
            .expect("mapping");
    }
    assert_eq!(
        left_to_map(&services, halo.id, "").await,
        (1, vec!["Contoso".to_string()])
    );
    assert_eq!(
        left_to_map(&services, halo.id, "NORTH").await,
        (0, vec![]),
        "Northwind is mapped"
    );
    let page = services.mappings(halo.id, "", 1).await.expect("page");
    let rows: Vec<(String, i64)> = page
        .items
        .into_iter()
        .map(|row| (row.organization_name, row.override_count))
        .collect();
    assert_eq!(page.total, 2);
    assert_eq!(
        rows,
        vec![("Fabrikam".to_string(), 1), ("Northwind".to_string(), 1)]
    );
    mapping(&services, halo.id, contoso, "c", vec![])
        .await
        .expect("last");
    assert_eq!(left_to_map(&services, halo.id, "").await, (0, vec![]));
    let page = services.mappings(halo.id, "orth", 1).await.expect("search");
    assert_eq!((page.total, page.items.len()), (1, 1));
}

async fn type_changes_are_refused_while_values_would_not_parse(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let contoso = organization(&services, "Contoso").await;
    services
        .save_defaults(
            &admin(),
            halo.id,
            &[set("base_url", "42"), set("api_key", "s")],
        )
        .await
        .expect("defaults");
    mapping(
        &services,
        halo.id,
        contoso,
        "t",
        vec![set("base_url", "https://c")],
    )
    .await
    .expect("mapping");
    let current = services.integration("HaloPSA").await.expect("view");
    let mut draft = current.to_draft();
    draft.fields[0].field_type = FieldType::Int;
    let error = services
        .update_integration(&admin(), halo.id, &draft)
        .await
        .expect_err("contoso's value is not an int");
    let message = error.for_field("fields.0.type").expect("names the field");
    assert!(
        message.contains("Contoso") && !message.contains("the default"),
        "{message}"
    );

    let mut draft = current.to_draft();
    draft.fields[4].field_type = FieldType::String;
    let error = services
        .update_integration(&admin(), halo.id, &draft)
        .await
        .expect_err("secret to string");
    assert!(error
        .for_field("fields.4.type")
        .is_some_and(|m| m.contains("secret")));

    // Values that parse allow the change: string "42"/"https://c" → json fails, timeout unset → ok.
    let mut draft = current.to_draft();
    draft.fields[1].field_type = FieldType::String;
    services
        .update_integration(&admin(), halo.id, &draft)
        .await
        .expect("no values");
}

async fn removing_a_field_with_values_needs_confirmation(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    services
        .save_defaults(&admin(), halo.id, &[set("timeout", "5")])
        .await
        .expect("defaults");
    let mut draft = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    draft.fields.remove(1);
    let error = services
        .update_integration(&admin(), halo.id, &draft)
        .await
        .expect_err("needs confirmation");
    assert!(
        matches!(&error, AppError::NeedsConfirmation(m) if m.contains("\"timeout\" (1 stored value)")),
        "{error}"
    );
    draft.confirm_field_removal = true;
    let updated = services
        .update_integration(&admin(), halo.id, &draft)
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
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let contoso = organization(&services, "Contoso").await;
    services
        .save_defaults(
            &admin(),
            halo.id,
            &[set("base_url", "https://h"), set("timeout", "5")],
        )
        .await
        .expect("defaults");
    mapping(&services, halo.id, contoso, "t", vec![])
        .await
        .expect("mapping");
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
    services
        .update_integration(&admin(), halo.id, &draft)
        .await
        .expect("rename");
    assert!(matches!(
        services.integration("HaloPSA").await,
        Err(AppError::NotFound(_))
    ));
    let merged = services
        .merged_config("Halo", Some(contoso))
        .await
        .expect("merged");
    assert!(merged.mapped);
    assert_eq!(merged.config["url"], json!("https://h"));
    assert_eq!(merged.config["seconds"], json!(5));
    let view = services.integration("Halo").await.expect("view");
    assert_eq!(view.fields[0].key, "seconds");
}

async fn a_save_over_someone_elses_change_is_refused(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let opened_by_first = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    let mut second = opened_by_first.clone();
    second.description = "Changed by the second admin".into();
    services
        .update_integration(&admin(), halo.id, &second)
        .await
        .expect("second admin saves");
    let mut first = opened_by_first;
    first.fields.remove(4);
    let error = services
        .update_integration(&admin(), halo.id, &first)
        .await
        .expect_err("stale form");
    assert!(
        matches!(&error, AppError::Conflict(m) if m.contains("changed by someone else")),
        "{error}"
    );
    let view = services.integration("HaloPSA").await.expect("view");
    assert_eq!(view.description, "Changed by the second admin");
    assert_eq!(view.fields.len(), 5, "nothing of the stale form was saved");
}

/// Two saves read at the same version race in the store itself: the database lets exactly one
/// through, whichever runs first, and the other is `Stale` with nothing of it written.
async fn the_database_refuses_the_second_of_two_saves_at_one_version(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let details = |description: &str| IntegrationDetails {
        name: "HaloPSA".into(),
        description: description.into(),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: String::new(),
    };
    let (first, second) = (details("first"), details("second"));
    let actor = Actor {
        admin_id: None,
        label: "test".into(),
    };
    let (a, b) = tokio::join!(
        store.update_integration(
            halo.id,
            halo.version,
            &first,
            &[],
            &[],
            (&actor, json!({})),
            1
        ),
        store.update_integration(
            halo.id,
            halo.version,
            &second,
            &[],
            &[],
            (&actor, json!({})),
            2
        ),
    );
    let (saved, refused) = match (a, b) {
        (Ok(Some(row)), Err(StoreError::Stale)) | (Err(StoreError::Stale), Ok(Some(row))) => {
            (row, "refused")
        }
        other => panic!("one save must win and the other be stale: {other:?}"),
    };
    assert_eq!(refused, "refused");
    assert_eq!(saved.version, halo.version + 1);
    let now = store
        .find_integration(halo.id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(
        now.description, saved.description,
        "only the winner was written"
    );
    assert_eq!(now.version, halo.version + 1);
}

/// A value checked against the schema as it was (here: `timeout` as a string) is refused once
/// the field has another type; a schema save planned before a value save is refused too.
async fn values_and_schema_changes_planned_over_each_other_are_refused(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let fields = store.integration_fields(halo.id).await.expect("fields");
    let timeout = fields
        .iter()
        .find(|field| field.field_key == "timeout")
        .expect("timeout");
    let planned_as_text = FieldWrite {
        field_id: timeout.id,
        field_type: "string".into(),
        write: ValueWrite::Plain("soon".into()),
    };
    let actor = Actor {
        admin_id: None,
        label: "test".into(),
    };
    let record = AuditRecord {
        actor: &actor,
        action: "integration.defaults",
        object_type: "integration",
        object_id: halo.id.to_string(),
        object_label: halo.name.clone(),
        changes: json!({}),
    };
    let result = store
        .save_default_values(&test_keyring(), halo.id, &[planned_as_text], record, 1)
        .await;
    assert!(matches!(result, Err(StoreError::Stale)), "{result:?}");
    let values: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM config_values")
        .fetch_one(store.raw_pool())
        .await
        .expect("count");
    assert_eq!(values, 0, "nothing of the stale save was written");

    let opened = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    services
        .save_defaults(&admin(), halo.id, &[set("timeout", "5")])
        .await
        .expect("a value saved meanwhile");
    let mut schema = opened;
    schema.fields[1].field_type = FieldType::String;
    let error = services
        .update_integration(&admin(), halo.id, &schema)
        .await
        .expect_err("its checks read the values before the save");
    assert!(matches!(&error, AppError::Conflict(_)), "{error}");
}

async fn deleting_an_integration_takes_its_mappings_and_values(store: Store) {
    let services = services_for(&store);
    let halo = create_halo(&services).await;
    let contoso = organization(&services, "Contoso").await;
    services
        .save_defaults(&admin(), halo.id, &[set("timeout", "5")])
        .await
        .expect("defaults");
    mapping(&services, halo.id, contoso, "t", vec![set("timeout", "6")])
        .await
        .expect("mapping");
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

crate::store_cases!(
    names_are_unique_in_any_case,
    defaults_are_typed_and_saved_all_or_nothing,
    secrets_are_stored_sealed_and_shown_only_as_set,
    a_ciphertext_moved_to_another_row_fails_instead_of_giving_garbage,
    overrides_win_and_unmapped_organizations_get_the_global_scope,
    an_organization_is_mapped_once_and_needs_an_entity_id,
    mapping_pages_and_choices_count_what_is_mapped_and_what_is_left,
    type_changes_are_refused_while_values_would_not_parse,
    removing_a_field_with_values_needs_confirmation,
    renaming_and_reordering_keep_mappings_and_values,
    deleting_an_integration_takes_its_mappings_and_values,
    a_save_over_someone_elses_change_is_refused,
    the_database_refuses_the_second_of_two_saves_at_one_version,
    values_and_schema_changes_planned_over_each_other_are_refused,
);
