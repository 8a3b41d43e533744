//! Session rows, keyed by the hash of their token.

use app::domain::ids::AdminId;
use app::domain::status::Backend;
use sqlx::FromRow;

use super::statement::{execute, fetch_optional};
use super::{Store, StoreError};

/// A live session joined with its administrator.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SessionRow {
    pub admin_id: AdminId,
    pub email: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// When the administrator last gave their password in this session.
    pub password_at: i64,
}

impl Store {
    pub async fn insert_session(
        &self,
        token_hash: &str,
        admin_id: AdminId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO sessions (token_hash, admin_id, created_at, last_seen_at, expires_at, password_at) \
             VALUES ($1, $2, $3, $3, $4, $3)";
        execute(&self.pool, sql, (token_hash, admin_id, now, expires_at)).await?;
        Ok(())
    }

    /// Starts a session for a sign-in whose password was checked against `verified_hash`, only
    /// if that hash is still the administrator's: a password change that lands between the
    /// check and this insert (and ends every other session) is not outlived. `false` if not.
    pub async fn insert_session_if_password(
        &self,
        token_hash: &str,
        (admin_id, verified_hash): (AdminId, &str),
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        // On PostgreSQL the admin row is share-locked: a password change waits for this insert
        // (and then ends the session) or this insert waits for it (and finds the new hash).
        let lock = match self.backend {
            Backend::Postgres => " FOR SHARE",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "INSERT INTO sessions (token_hash, admin_id, created_at, last_seen_at, expires_at, password_at) \
             SELECT $1, id, $3, $3, $4, $3 FROM admins WHERE id = $2 AND password_hash = $5{lock}"
        );
        let params = (token_hash, admin_id, now, expires_at, verified_hash);
        Ok(execute(&self.pool, &sql, params).await? == 1)
    }

    pub async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = "SELECT s.admin_id, a.email, s.created_at, s.last_seen_at, s.expires_at, s.password_at \
             FROM sessions s JOIN admins a ON a.id = s.admin_id WHERE s.token_hash = $1";
        fetch_optional(&self.pool, sql, (token_hash,)).await
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
        execute(&self.pool, sql, (now, token_hash)).await?;
        Ok(())
    }

    /// Records that the session's administrator gave their password again.
    pub async fn mark_password_given(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE sessions SET password_at = $1 WHERE token_hash = $2";
        execute(&self.pool, sql, (now, token_hash)).await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        execute(&self.pool, sql, (token_hash,)).await?;
        Ok(())
    }

    /// Removes sessions past their absolute expiry or idle since before `idle_before`.
    pub async fn delete_expired_sessions(
        &self,
        now: i64,
        idle_before: i64,
    ) -> Result<u64, StoreError> {
        let sql = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2";
        execute(&self.pool, sql, (now, idle_before)).await
    }
}
