//! The audit log. Every store method that changes something writes its entry in the same
//! transaction as the change, so there is no change without a record and no record without a change.

use app::domain::ids::AdminId;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Encode, FromRow, Type};

use super::statement::fetch_optional;
use super::{Page, Store, StoreError};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The administrator's id; `None` for the system itself.
    pub admin_id: Option<AdminId>,
    pub label: String,
}

/// What changed: an action on one object, with the fields that changed.
#[derive(Debug, Clone)]
pub struct AuditRecord<'a> {
    pub actor: &'a Actor,
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub object_label: String,
    /// `{"field": {"from": …, "to": …}}`; never a secret value.
    pub changes: Value,
}

impl<'a> AuditRecord<'a> {
    /// An action of `actor` on the object `(type, id, label)`.
    pub fn new<Id: std::fmt::Display>(
        actor: &'a Actor,
        action: &'static str,
        (object_type, object_id, object_label): (&'static str, Id, &str),
        changes: Value,
    ) -> AuditRecord<'a> {
        AuditRecord {
            actor,
            action,
            object_type,
            object_id: object_id.to_string(),
            object_label: object_label.to_string(),
            changes,
        }
    }
}

/// What an audited write leaves: its result, and its audit entry when it changed something.
pub(crate) struct Written<'a, T> {
    pub value: T,
    pub audit: Option<AuditRecord<'a>>,
}

impl<'a, T> Written<'a, T> {
    pub fn changed(value: T, audit: AuditRecord<'a>) -> Written<'a, T> {
        Written {
            value,
            audit: Some(audit),
        }
    }

    /// Nothing was changed, so nothing is recorded.
    pub fn unchanged(value: T) -> Written<'a, T> {
        Written { value, audit: None }
    }
}

/// What a deletion's audit entry says changed: the object's name, gone.
pub fn name_removed(name: &str) -> Value {
    json!({ "name": change(Some(name), None) })
}

/// One field's change, for `AuditRecord::changes`.
pub fn change(from: Option<&str>, to: Option<&str>) -> Value {
    json!({ "from": from, "to": to })
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: i64,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_label: String,
    pub changes: String,
}

/// Filters for listing; `None` does not filter. Text filters match any part, in any case.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub object: Option<String>,
    pub from: Option<i64>,
    /// Exclusive.
    pub to: Option<i64>,
}

pub(super) async fn insert_audit(
    connection: &mut AnyConnection,
    record: &AuditRecord<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, actor_id, actor_label, action, object_type, object_id, \
         object_label, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(record.actor.admin_id)
    .bind(&record.actor.label)
    .bind(record.action)
    .bind(record.object_type)
    .bind(&record.object_id)
    .bind(&record.object_label)
    .bind(record.changes.to_string())
    .execute(connection)
    .await?;
    Ok(())
}

impl Store {
    /// Runs `write` in one write transaction, records the audit entry it returns in the same
    /// transaction and commits: no change without its record, no record without its change. An
    /// error from `write` rolls everything back.
    pub(crate) async fn write_audited<'a, T>(
        &self,
        now: i64,
        write: impl AsyncFnOnce(&mut AnyConnection) -> Result<Written<'a, T>, StoreError>,
    ) -> Result<T, StoreError> {
        let mut transaction = self.begin_write().await?;
        let written = write(&mut transaction).await?;
        if let Some(audit) = &written.audit {
            insert_audit(&mut transaction, audit, now).await?;
        }
        transaction.commit().await?;
        Ok(written.value)
    }

    /// Runs `sql`, a `DELETE … WHERE id = $1 RETURNING …`, in one audited write: the deleted row
    /// with the entry `record` makes of it, or `None`, and nothing recorded, when there was no
    /// such row.
    pub(crate) async fn delete_audited<'a, R, Id>(
        &self,
        now: i64,
        sql: &str,
        id: Id,
        record: impl FnOnce(&R) -> AuditRecord<'a>,
    ) -> Result<Option<R>, StoreError>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        Id: for<'q> Encode<'q, Any> + Type<Any> + Send,
    {
        self.write_audited(now, async |connection| {
            let deleted: Option<R> = fetch_optional(&mut *connection, sql, (id,)).await?;
            Ok(match deleted {
                Some(row) => {
                    let entry = record(&row);
                    Written::changed(Some(row), entry)
                }
                None => Written::unchanged(None),
            })
        })
        .await
    }

    /// Records an event that changes nothing else in the store (a key rotation, say).
    pub async fn append_audit(&self, record: &AuditRecord<'_>, now: i64) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        insert_audit(&mut connection, record, now).await?;
        Ok(())
    }

    /// Newest first.
    pub async fn list_audit_entries(
        &self,
        query: &AuditQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Page<AuditRow>, StoreError> {
        let filter = super::audit_filter::AuditFilter::of(query);
        let count_sql = format!("SELECT COUNT(*) FROM audit_log {}", filter.clause);
        let (total,) = filter
            .bind(sqlx::query_as::<_, (i64,)>(&count_sql))
            .fetch_one(&self.pool)
            .await?;
        let next = filter.parameters();
        let list_sql = format!(
            "SELECT id, occurred_at, actor_label, action, object_type, object_label, changes FROM audit_log \
             {} ORDER BY occurred_at DESC, id DESC LIMIT ${} OFFSET ${}",
            filter.clause,
            next + 1,
            next + 2
        );
        let items = filter
            .bind(sqlx::query_as::<_, AuditRow>(&list_sql))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        Ok(Page { items, total })
    }
}
