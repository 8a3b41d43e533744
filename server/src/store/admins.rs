//! Administrator rows and the first-run setup claim.

use app::domain::ids::AdminId;
use sqlx::{AnyConnection, FromRow};

use serde_json::json;

use super::audit::{change, insert_audit, Actor, AuditRecord, Written};
use super::statement::{execute, fetch_all, fetch_one, fetch_optional, fetch_scalar};
use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AdminRow {
    pub id: AdminId,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new administrator, password already hashed.
pub struct NewAdmin<'a> {
    pub email: &'a str,
    pub email_key: &'a str,
    pub password_hash: &'a str,
}

const COLUMNS: &str = "id, email, password_hash, created_at, updated_at";

impl Store {
    pub async fn count_admins(&self) -> Result<i64, StoreError> {
        fetch_scalar(&self.pool, "SELECT COUNT(*) FROM admins", ()).await
    }

    /// Creates the first administrator, once: the claim row makes a second attempt (also a
    /// concurrent one, on another replica) fail with `Conflict`, whatever the admins table holds.
    pub async fn insert_first_admin(
        &self,
        admin: NewAdmin<'_>,
        now: i64,
    ) -> Result<AdminRow, StoreError> {
        let mut transaction = self.begin_write().await?;
        let claim = "INSERT INTO setup_claim (id, claimed_at) VALUES (1, $1)";
        execute(&mut *transaction, claim, (now,)).await?;
        let row = insert_admin_row(&mut transaction, &admin, now).await?;
        execute(&mut *transaction, "DELETE FROM setup_code", ()).await?;
        let actor = Actor {
            admin_id: Some(row.id),
            label: row.email.clone(),
        };
        let record = admin_created_record(&row, &actor, "first-run setup");
        insert_audit(&mut transaction, &record, now).await?;
        transaction.commit().await?;
        Ok(row)
    }

    /// Adds an administrator; an e-mail address already used (in any case) is a `Conflict`.
    pub async fn insert_admin(
        &self,
        admin: NewAdmin<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<AdminRow, StoreError> {
        self.write_audited(now, async |connection| {
            let row = insert_admin_row(connection, &admin, now).await?;
            let record = admin_created_record(&row, actor, "added");
            Ok(Written::changed(row, record))
        })
        .await
    }

    pub async fn find_admin_by_email_key(
        &self,
        email_key: &str,
    ) -> Result<Option<AdminRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM admins WHERE email_key = $1");
        self.optional_row(&sql, email_key).await
    }

    /// Finds an administrator by e-mail key, for the CLI's reset.
    pub async fn admin_id_by_email_key(
        &self,
        email_key: &str,
    ) -> Result<Option<AdminId>, StoreError> {
        Ok(self
            .find_admin_by_email_key(email_key)
            .await?
            .map(|admin| admin.id))
    }

    pub async fn find_admin(&self, id: AdminId) -> Result<Option<AdminRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM admins WHERE id = $1");
        self.optional_row(&sql, id).await
    }

    pub async fn list_admins(&self) -> Result<Vec<AdminRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM admins ORDER BY email_key");
        fetch_all(&self.pool, &sql, ()).await
    }

    /// Deletes an administrator and, through the foreign key, their sessions. Refuses to delete
    /// the last one. Every admin row is locked first: on PostgreSQL two concurrent deletions of
    /// different admins would otherwise each count two and leave none (SQLite writes one at a time).
    pub async fn delete_admin_unless_last(
        &self,
        id: AdminId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<AdminRow>, StoreError> {
        self.write_audited(now, async |connection| {
            execute(&mut *connection, "UPDATE admins SET email = email", ()).await?;
            let sql = format!(
                "DELETE FROM admins WHERE id = $1 AND (SELECT COUNT(*) FROM admins) > 1 RETURNING {COLUMNS}"
            );
            let deleted: Option<AdminRow> = fetch_optional(&mut *connection, &sql, (id,)).await?;
            let Some(deleted) = deleted else {
                return Ok(Written::unchanged(None));
            };
            let changes = json!({ "email": change(Some(&deleted.email), None) });
            let record = admin_record(actor, "admin.delete", (id, &deleted.email), changes);
            Ok(Written::changed(Some(deleted), record))
        })
        .await
    }

    /// Replaces an administrator's password hash, if it is still `verified_hash` (the one the
    /// current password was checked against; else `Stale`), and ends their other sessions.
    pub async fn change_admin_password(
        &self,
        id: AdminId,
        (password_hash, verified_hash): (&str, &str),
        keep_session: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "UPDATE admins SET password_hash = $1, updated_at = $2 WHERE id = $3 AND password_hash = $4";
            if execute(&mut *connection, sql, (password_hash, now, id, verified_hash)).await? == 0 {
                return Err(StoreError::Stale);
            }
            let sql = "DELETE FROM sessions WHERE admin_id = $1 AND token_hash <> $2";
            execute(&mut *connection, sql, (id, keep_session)).await?;
            let changes = json!({ "password": change(None, Some("(changed)")) });
            let record = admin_record(actor, "admin.password_change", (id, &actor.label), changes);
            Ok(Written::changed((), record))
        })
        .await
    }
}

fn admin_created_record<'a>(row: &AdminRow, actor: &'a Actor, how: &str) -> AuditRecord<'a> {
    let changes =
        json!({ "email": change(None, Some(&row.email)), "via": change(None, Some(how)) });
    admin_record(actor, "admin.create", (row.id, &row.email), changes)
}

/// An entry about the administrator `(id, label)`.
pub(super) fn admin_record<'a>(
    actor: &'a Actor,
    action: &'static str,
    (id, label): (AdminId, &str),
    changes: serde_json::Value,
) -> AuditRecord<'a> {
    AuditRecord::new(actor, action, ("administrator", id, label), changes)
}

async fn insert_admin_row(
    connection: &mut AnyConnection,
    admin: &NewAdmin<'_>,
    now: i64,
) -> Result<AdminRow, StoreError> {
    let sql = format!(
        "INSERT INTO admins (email, email_key, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
    );
    let params = (admin.email, admin.email_key, admin.password_hash, now);
    fetch_one(connection, &sql, params).await
}
