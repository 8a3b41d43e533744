//! The store: the only place that writes SQL.
//!
//! One code path for both backends: sqlx's `Any` driver with portable SQL (`$1` placeholders,
//! `RETURNING`, integers for booleans and timestamps). Only the migrations differ, one folder per
//! backend under `migrations/`.

pub mod admins;
pub mod alert_destinations;
pub mod alert_queue;
pub mod api_keys;
pub mod audit;
mod audit_filter;
mod change_generation;
pub mod change_log;
pub mod config_values;
mod connect;
pub mod consent_links;
pub mod demo;
pub mod entity_sources;
pub mod health;
pub mod integration_links;
pub mod integrations;
pub mod mappings;
pub mod oauth_connections;
pub mod oauth_states;
pub mod oauth_tokens;
pub mod organizations;
pub mod secrets;
pub mod sessions;
pub mod setup_code;
mod statement;
pub mod token_refresh;
pub mod two_factor;

use app::domain::status::Backend;
use sqlx::AnyPool;

pub use connect::backend_of;

/// Makes `%`, `_` and `\` in user input match themselves in a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The LIKE pattern (with `ESCAPE '\\'`) of names that contain `search`, in any case.
pub(crate) fn contains_pattern(search: &str) -> String {
    format!("%{}%", escape_like(&search.to_lowercase()))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL: {0}")]
    UnsupportedUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A uniqueness rule was broken; the string names the constraint.
    #[error("already exists ({0})")]
    Conflict(String),
    /// A write named the version it was read at, and the row has moved on since.
    #[error("changed since it was read")]
    Stale,
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
    /// A read shared by several requests failed; the first of them logged why.
    #[error("the database could not be read")]
    Unavailable,
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return StoreError::Conflict(db.constraint().unwrap_or("unique").to_string());
            }
        }
        StoreError::Database(error)
    }
}

/// SQLite settings that every connection must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlitePragmas {
    pub foreign_keys: bool,
    pub journal_mode: String,
    pub busy_timeout_ms: i64,
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Begins a transaction that writes. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), waiting up to the busy timeout for it: a transaction that read first and then
    /// wrote would fail at once with "database is locked" whenever another writer committed in
    /// between, as concurrent admin saves did.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// The row `sql` selects by its one parameter, `key`, if there is one.
    pub(crate) async fn optional_row<'q, R, K>(
        &self,
        sql: &'q str,
        key: K,
    ) -> Result<Option<R>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
        K: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
    {
        Ok(sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Succeeds when the database answers a query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The newest migration applied, or `None` on an empty database.
    pub async fn schema_version(&self) -> Result<Option<i64>, StoreError> {
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations'"
            }
        };
        let tables: i64 = sqlx::query_scalar(exists).fetch_one(&self.pool).await?;
        if tables == 0 {
            return Ok(None);
        }
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?;
        Ok(version)
    }

    /// SQLite's connection settings as a connection of the pool sees them (`None` on PostgreSQL).
    pub async fn sqlite_pragmas(&self) -> Result<Option<SqlitePragmas>, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let mut connection = self.pool.acquire().await?;
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *connection)
            .await?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *connection)
            .await?;
        let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *connection)
            .await?;
        Ok(Some(SqlitePragmas {
            foreign_keys: foreign_keys == 1,
            journal_mode,
            busy_timeout_ms,
        }))
    }

    /// The raw pool, for tests that must look at rows exactly as stored.
    #[doc(hidden)]
    pub fn raw_pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection; waits for running queries.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A 0/1 column (both backends store booleans as integers), read into a row's `bool` field
/// with `#[sqlx(try_from = "Flag")]`, so no `== 1` reaches the services.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct Flag(i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 != 0
    }
}

/// One page of a list, with the number of rows that match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Page<T> {
    /// The rows as the page `request` asked for, each made a view.
    pub fn paged<V>(
        self,
        request: app::domain::paging::PageRequest,
        view: impl FnMut(T) -> V,
    ) -> app::domain::paging::Paged<V> {
        request.of(self.items.into_iter().map(view).collect(), self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_search_text_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
