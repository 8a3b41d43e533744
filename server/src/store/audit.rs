//! The audit log. Every store method that changes something writes its entry in the same
//! transaction as the change, so there is no change without a record and no record without a change.

use serde_json::{json, Value};
use sqlx::{AnyConnection, FromRow};

use super::{escape_like, Page, Store, StoreError};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The administrator's id; `None` for the system itself.
    pub admin_id: Option<i64>,
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
        let mut conditions = Vec::new();
        let mut texts = Vec::new();
        let mut numbers = Vec::new();
        if let Some(actor) = &query.actor {
            texts.push(format!("%{}%", escape_like(&actor.to_lowercase())));
            conditions.push(format!(
                "LOWER(actor_label) LIKE ${} ESCAPE '\\'",
                texts.len()
            ));
        }
        if let Some(object) = &query.object {
            texts.push(format!("%{}%", escape_like(&object.to_lowercase())));
            let n = texts.len();
            conditions.push(format!(
                "(LOWER(object_label) LIKE ${n} ESCAPE '\\' OR LOWER(object_type) LIKE ${n} ESCAPE '\\')"
            ));
        }
        for (bound, operator) in [(query.from, ">="), (query.to, "<")] {
            if let Some(bound) = bound {
                numbers.push(bound);
                conditions.push(format!(
                    "occurred_at {operator} ${}",
                    texts.len() + numbers.len()
                ));
            }
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let next = texts.len() + numbers.len();

        let count_sql = format!("SELECT COUNT(*) FROM audit_log {filter}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for text in &texts {
            count = count.bind(text);
        }
        for number in &numbers {
            count = count.bind(number);
        }
        let total = count.fetch_one(&self.pool).await?;

        let list_sql = format!(
            "SELECT id, occurred_at, actor_label, action, object_type, object_label, changes FROM audit_log \
             {filter} ORDER BY occurred_at DESC, id DESC LIMIT ${} OFFSET ${}",
            next + 1,
            next + 2
        );
        let mut list = sqlx::query_as::<_, AuditRow>(&list_sql);
        for text in &texts {
            list = list.bind(text);
        }
        for number in &numbers {
            list = list.bind(number);
        }
        let items = list.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        Ok(Page { items, total })
    }
}
