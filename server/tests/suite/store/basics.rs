//! Connection settings, migrations and probes.

use app::domain::status::Backend;
use bifrost::store::Store;

async fn migrations_leave_a_schema_version(store: Store) {
    let version = store.schema_version().await.expect("schema version");
    assert!(version.is_some_and(|v| v >= 1), "got {version:?}");
}

async fn migrating_twice_changes_nothing(store: Store) {
    let before = store.schema_version().await.expect("schema version");
    store.migrate().await.expect("second migration run");
    assert_eq!(
        store.schema_version().await.expect("schema version"),
        before
    );
}

async fn ping_answers(store: Store) {
    store.ping().await.expect("ping");
}

async fn sqlite_enforces_foreign_keys_and_uses_wal(store: Store) {
    let Some(pragmas) = store.sqlite_pragmas().await.expect("pragmas") else {
        assert_eq!(store.backend(), Backend::Postgres);
        return;
    };
    assert!(pragmas.foreign_keys);
    assert_eq!(pragmas.journal_mode, "wal");
    assert!(pragmas.busy_timeout_ms >= 1000, "{pragmas:?}");
}

crate::both_backends!(store:
    migrations_leave_a_schema_version,
    migrating_twice_changes_nothing,
    ping_answers,
    sqlite_enforces_foreign_keys_and_uses_wal,
);
