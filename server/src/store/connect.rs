//! Opening the pool: backend detection from the URL and per-backend connection settings.

use std::time::Duration;

use app::domain::status::Backend;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

use super::{Store, StoreError};

/// SQLite waits this long for a lock before failing with "database is locked".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Which backend a `DATABASE_URL` names.
pub fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(
            "must start with sqlite:// or postgres://".to_string(),
        ))
    }
}

impl Store {
    /// Opens a pool on `url`, creating the SQLite file when it does not exist.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                create_private_file(url).map_err(StoreError::Connect)?;
                options
                    // WAL lets readers run beside the one writer; more connections would only queue.
                    .max_connections(8)
                    .after_connect(|connection, _meta| {
                        Box::pin(async move {
                            connection
                                .execute(sqlx::raw_sql(&sqlite_pragmas()))
                                .await
                                .map(|_| ())
                        })
                    })
                    .connect(&with_create_mode(url))
                    .await
            }
            Backend::Postgres => options.max_connections(16).connect(url).await,
        }
        .map_err(StoreError::Connect)?;
        Ok(Store { pool, backend })
    }
}

fn sqlite_pragmas() -> String {
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};"
    )
}

/// Creates a missing SQLite file readable by the server's user only; SQLite gives its WAL and
/// shared-memory files the same rights. An existing file is left as the operator set it.
fn create_private_file(url: &str) -> Result<(), sqlx::Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(sqlx::Error::Io(error)),
    }
}

/// The file a `sqlite:` URL names; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    Some(path)
}

/// sqlx opens SQLite files read-write only if they exist, unless `mode=rwc` is asked for.
fn with_create_mode(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url_is_found() {
        assert_eq!(
            sqlite_path("sqlite://data/b.db?mode=rwc"),
            Some("data/b.db")
        );
        assert_eq!(sqlite_path("sqlite:///var/b.db"), Some("/var/b.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://x?mode=memory&cache=shared"), None);
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[test]
    fn backends_are_told_apart_by_scheme() {
        assert_eq!(backend_of("sqlite://data/b.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            backend_of("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            backend_of("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(backend_of("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_urls_ask_for_the_file_to_be_created() {
        assert_eq!(with_create_mode("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            with_create_mode("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            with_create_mode("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }
}
