//! Fresh databases for tests: a SQLite file in a temporary directory, or a new PostgreSQL
//! database created on the server that `TEST_DATABASE_URL` points at.

use std::sync::atomic::{AtomicU32, Ordering};

use std::sync::Arc;

use app::domain::admin::CurrentAdmin;
use app::domain::api_key::ApiKeyDraft;
use app::domain::ids::{ConnectionId, IntegrationId, MappingId, OrganizationId};
use app::domain::integration::{
    FieldType, IntegrationDraft, MappingDraft, SchemaField, ValueChange, ValueInput,
};
use app::domain::oauth::OAuthConnectionDraft;
use app::error::AppError;
use app::ssr::{IntegrationServices, MappingServices, OAuthServices, OrganizationServices};
use bifrost::crypto::{Keyring, SecretKey};
use bifrost::services::{ServerServices, ServicesConfig};
use bifrost::store::Store;
use sqlx::{Connection, Executor, PgConnection};

/// Set to `1` (CI does) to make the PostgreSQL cases fail instead of skipping when
/// `TEST_DATABASE_URL` is missing.
const REQUIRE_POSTGRES: &str = "BIFROST_REQUIRE_POSTGRES";

pub struct TestDb {
    pub store: Store,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, database: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb {
            store,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// `None` when no PostgreSQL server is configured (and none is required).
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            if std::env::var(REQUIRE_POSTGRES).as_deref() == Ok("1") {
                panic!("{REQUIRE_POSTGRES}=1 but TEST_DATABASE_URL is not set");
            }
            eprintln!("skipped: TEST_DATABASE_URL is not set");
            return None;
        };
        let database = unique_database_name();
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        admin
            .execute(format!("CREATE DATABASE {database}").as_str())
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = database_url(&admin_url, &database);
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        store.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres {
                admin_url,
                database,
            },
        })
    }

    /// Whether this is the PostgreSQL database (else SQLite).
    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }

    /// The database URL, to open a second pool as another server instance would.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SQLite database's files (main, WAL, shared memory); none on PostgreSQL.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => std::fs::read_dir(dir.path())
                .expect("database directory")
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .collect(),
            Cleanup::Postgres { .. } => Vec::new(),
        }
    }

    /// Drops the PostgreSQL database; a failed test leaves it behind for inspection.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres {
            admin_url,
            database,
        } = self.cleanup
        {
            let mut admin = PgConnection::connect(&admin_url).await.expect("reconnect");
            admin
                .execute(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)").as_str())
                .await
                .expect("drop test database");
        }
    }
}

fn unique_database_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    format!(
        "bifrost_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// The admin URL with its database path replaced.
fn database_url(admin_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(database);
    url.to_string()
}

/// Runs each case once on SQLite and once on PostgreSQL, as the tests `sqlite::<case>` and
/// `postgres::<case>` next to the cases (the PostgreSQL one passes without running when
/// `TEST_DATABASE_URL` is unset, unless `BIFROST_REQUIRE_POSTGRES=1`).
///
/// - `both_backends!(store: a, b)`: each case is an `async fn(Store)`; the database is
///   dropped after it.
/// - `both_backends!(db: a, b)`: each case is an `async fn(TestDb)` and finishes it itself.
/// - Both kinds in one list: `both_backends!(store: a, b; db: c)`.
/// - Attributes before a case replace its default `#[tokio::test]`:
///   `both_backends!(db: #[tokio::test(flavor = "multi_thread")] #[ignore = "why"] c)`.
#[macro_export]
macro_rules! both_backends {
    (@test $backend:ident $kind:ident [] $case:ident) => {
        $crate::both_backends!(@test $backend $kind [#[tokio::test]] $case);
    };
    (@test $backend:ident store [$(#[$attr:meta])+] $case:ident) => {
        $(#[$attr])+
        async fn $case() {
            let db = $crate::both_backends!(@open $backend);
            super::$case(db.store.clone()).await;
            db.finish().await;
        }
    };
    (@test $backend:ident db [$(#[$attr:meta])+] $case:ident) => {
        $(#[$attr])+
        async fn $case() {
            super::$case($crate::both_backends!(@open $backend)).await;
        }
    };
    (@open sqlite) => {
        $crate::helpers::TestDb::sqlite().await
    };
    (@open postgres) => {{
        let Some(db) = $crate::helpers::TestDb::postgres().await else {
            return;
        };
        db
    }};
    ($($kind:ident: $($(#[$attr:meta])* $case:ident),+ $(,)?);+) => {
        mod sqlite {
            $($($crate::both_backends!(@test sqlite $kind [$(#[$attr])*] $case);)+)+
        }
        mod postgres {
            $($($crate::both_backends!(@test postgres $kind [$(#[$attr])*] $case);)+)+
        }
    };
}

/// A keyring with a fresh random key.
pub fn test_keyring() -> Arc<Keyring> {
    let (_, key) = SecretKey::generate();
    Arc::new(Keyring::from_text(&key).expect("keyring"))
}

/// The services over a store, as the server builds them.
pub fn services_for(store: &Store) -> ServerServices {
    let config = ServicesConfig::new("http://127.0.0.1:3000", false)
        .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
    ServerServices::new(store.clone(), config, test_keyring())
}

/// An optional schema field without a description.
pub fn schema_field(key: &str, field_type: FieldType) -> SchemaField {
    SchemaField {
        id: None,
        key: key.into(),
        field_type,
        required: false,
        description: String::new(),
    }
}

/// Adds `fields` to the schema of the integration named `name`.
pub async fn add_schema_fields(
    services: &ServerServices,
    admin: &CurrentAdmin,
    (name, integration_id): (&str, IntegrationId),
    fields: Vec<SchemaField>,
) {
    let mut draft = services.integration(name).await.expect("view").to_draft();
    draft.fields.extend(fields);
    services
        .update_integration(admin, integration_id, &draft)
        .await
        .expect("schema");
}

/// A new integration's draft: "Tenant ID" entities, no description.
pub fn integration_draft(
    name: &str,
    default_entity_id: &str,
    fields: Vec<SchemaField>,
) -> IntegrationDraft {
    IntegrationDraft {
        name: name.into(),
        description: String::new(),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: default_entity_id.into(),
        fields,
        confirm_field_removal: false,
        opened_at_version: None,
    }
}

/// A new API key without expiry for the organization; returns the key itself.
pub async fn new_api_key(
    services: &ServerServices,
    admin: &CurrentAdmin,
    organization_id: app::domain::ids::OrganizationId,
    name: &str,
) -> String {
    let draft = ApiKeyDraft {
        name: name.into(),
        organization_id: Some(organization_id),
        expires_on: String::new(),
    };
    services
        .create_api_key_as(&bifrost::services::actor_of(admin), &draft)
        .await
        .expect("API key")
        .key
}

/// Asserts that `error` refuses `field` with a message that contains `part`.
#[track_caller]
pub fn assert_field_refused_with(error: &AppError, field: &str, part: &str) {
    assert!(
        error.for_field(field).is_some_and(|m| m.contains(part)),
        "{error}"
    );
}

/// A value change that sets `key` to `text`.
pub fn set_value(key: &str, text: &str) -> ValueInput {
    ValueInput {
        key: key.into(),
        change: ValueChange::Set(text.into()),
    }
}

/// The provider organization's id (setup and the server create it).
pub async fn provider_organization_id(store: &Store) -> OrganizationId {
    store
        .find_provider_organization()
        .await
        .expect("provider")
        .expect("provider exists")
        .id
}

/// A new organization `name`, mapped in the integration to `entity_id` with these overrides;
/// the organization's id and the mapping's.
pub async fn create_mapped_organization(
    services: &ServerServices,
    admin: &CurrentAdmin,
    integration_id: IntegrationId,
    name: &str,
    entity_id: &str,
    entity_name: &str,
    overrides: Vec<ValueInput>,
) -> (OrganizationId, MappingId) {
    let organization = services
        .create_organization(admin, name)
        .await
        .expect("organization");
    let draft = MappingDraft {
        organization_id: organization.id,
        entity_id: entity_id.into(),
        entity_name: entity_name.into(),
        overrides,
    };
    let mapping = services
        .create_mapping(admin, integration_id, &draft)
        .await
        .expect("mapping");
    (organization.id, mapping.id)
}

/// Creates the OAuth connection and the integration, and links the integration to it; the
/// integration's id and the connection's.
pub async fn create_linked_integration(
    services: &ServerServices,
    admin: &CurrentAdmin,
    connection: &OAuthConnectionDraft,
    integration: &IntegrationDraft,
) -> (IntegrationId, ConnectionId) {
    let connection = services
        .create_oauth_connection(admin, connection)
        .await
        .expect("connection");
    let integration = services
        .create_integration(admin, integration)
        .await
        .expect("integration");
    services
        .link_oauth_connection(admin, integration.id, Some(connection.id))
        .await
        .expect("link");
    (integration.id, connection.id)
}
