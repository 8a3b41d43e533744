//! Audited organization changes and audit log queries on both backends.

use bifrost::services::ensure_provider_organization;
use bifrost::store::audit::{Actor, AuditQuery};
use bifrost::store::{Store, StoreError};
use serde_json::Value;

use super::audit_log;

fn admin() -> Actor {
    Actor {
        admin_id: Some(7.into()),
        label: "Ops@Example.com".into(),
    }
}

async fn every_organization_change_is_recorded_with_its_fields(store: Store) {
    let created = store
        .create_organization("Contoso", &admin(), 1_000)
        .await
        .expect("create");
    store
        .rename_organization(created.id, "Contoso Ltd", &admin(), 2_000)
        .await
        .expect("rename")
        .expect("exists");
    store
        .delete_customer_organization(created.id, &admin(), 3_000)
        .await
        .expect("delete")
        .expect("existed");

    let log = audit_log(&store).await;
    assert_eq!(log.total, 3);
    let actions: Vec<_> = log
        .items
        .iter()
        .map(|entry| entry.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "organization.delete",
            "organization.rename",
            "organization.create"
        ],
        "newest first"
    );
    let rename: Value = serde_json::from_str(&log.items[1].changes).expect("json");
    assert_eq!(rename["name"]["from"], "Contoso");
    assert_eq!(rename["name"]["to"], "Contoso Ltd");
    assert!(log
        .items
        .iter()
        .all(|entry| entry.actor_label == "Ops@Example.com"));
}

async fn a_failed_change_leaves_no_record(store: Store) {
    store
        .create_organization("Fabrikam", &admin(), 1)
        .await
        .expect("create");
    let duplicate = store.create_organization("FABRIKAM", &admin(), 2).await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "{duplicate:?}"
    );
    assert_eq!(audit_log(&store).await.total, 1);
}

async fn the_provider_organization_is_never_deleted(store: Store) {
    ensure_provider_organization(&store)
        .await
        .expect("provider");
    let provider = store
        .find_provider_organization()
        .await
        .expect("find")
        .expect("provider");
    let deleted = store
        .delete_customer_organization(provider.id, &admin(), 1)
        .await
        .expect("delete");
    assert!(deleted.is_none());
    assert!(store
        .find_organization(provider.id)
        .await
        .expect("find")
        .is_some());
    assert_eq!(audit_log(&store).await.total, 0);
}

async fn the_audit_log_filters_by_actor_object_and_time_and_pages(store: Store) {
    let other = Actor {
        admin_id: Some(8.into()),
        label: "someone@else.org".into(),
    };
    for (n, actor) in [admin(), other.clone(), admin(), other].iter().enumerate() {
        let at = 1_000 * (n as i64 + 1);
        store
            .create_organization(&format!("Org {n}"), actor, at)
            .await
            .expect("create");
    }
    let by_object = AuditQuery {
        object: Some("org 3".into()),
        ..AuditQuery::default()
    };
    let found = store
        .list_audit_entries(&by_object, 10, 0)
        .await
        .expect("list");
    assert_eq!(
        found
            .items
            .iter()
            .map(|e| e.object_label.as_str())
            .collect::<Vec<_>>(),
        ["Org 3"]
    );
    let by_actor = AuditQuery {
        actor: Some("OPS@".into()),
        ..AuditQuery::default()
    };
    let by_type = AuditQuery {
        object: Some("ORGANIZATION".into()),
        ..AuditQuery::default()
    };
    let window = AuditQuery {
        from: Some(2_000),
        to: Some(4_000),
        ..AuditQuery::default()
    };
    let combined = AuditQuery {
        actor: Some("else".into()),
        from: Some(3_000),
        ..AuditQuery::default()
    };
    for (query, total) in [(by_actor, 2), (by_type, 4), (window, 2), (combined, 1)] {
        let found = store.list_audit_entries(&query, 10, 0).await.expect("list");
        assert_eq!(found.total, total, "{query:?}");
    }

    let second_page = store
        .list_audit_entries(&AuditQuery::default(), 3, 3)
        .await
        .expect("list");
    assert_eq!(second_page.total, 4);
    assert_eq!(second_page.items.len(), 1);
    assert_eq!(
        second_page.items[0].object_label, "Org 0",
        "the oldest is last"
    );
}

crate::both_backends!(store:
    every_organization_change_is_recorded_with_its_fields,
    a_failed_change_leaves_no_record,
    the_provider_organization_is_never_deleted,
    the_audit_log_filters_by_actor_object_and_time_and_pages,
);
