//! Edits made over each other: a form saved over someone else's change, two saves at one
//! version, and value and schema saves planned over each other are refused.

use app::domain::integration::FieldType;
use app::error::AppError;
use app::ssr::IntegrationServices;
use bifrost::store::audit::{Actor, AuditRecord};
use bifrost::store::config_values::{FieldWrite, ValueWrite};
use bifrost::store::integrations::IntegrationDetails;
use bifrost::store::{Store, StoreError};
use serde_json::json;

use super::fixtures::*;
use crate::helpers::{set_value as set, test_keyring};

async fn a_save_over_someone_elses_change_is_refused(store: Store) {
    let (services, halo) = halo(&store).await;
    let opened_by_first = services
        .integration("HaloPSA")
        .await
        .expect("view")
        .to_draft();
    let mut second = opened_by_first.clone();
    second.description = "Changed by the second admin".into();
    update_integration(&services, halo.id, &second)
        .await
        .expect("second admin saves");
    let mut first = opened_by_first;
    first.fields.remove(4);
    let error = update_integration(&services, halo.id, &first)
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
    let (_, halo) = halo(&store).await;
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
    let (services, halo) = halo(&store).await;
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
    save_defaults(&services, halo.id, &[set("timeout", "5")])
        .await
        .expect("a value saved meanwhile");
    let mut schema = opened;
    schema.fields[1].field_type = FieldType::String;
    let error = update_integration(&services, halo.id, &schema)
        .await
        .expect_err("its checks read the values before the save");
    assert!(matches!(&error, AppError::Conflict(_)), "{error}");
}

crate::both_backends!(
    store: a_save_over_someone_elses_change_is_refused,
    the_database_refuses_the_second_of_two_saves_at_one_version,
    values_and_schema_changes_planned_over_each_other_are_refused,
);
