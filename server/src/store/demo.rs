//! Bulk inserts for `bifrost seed-demo`: many rows per statement and per transaction, so a
//! million mappings take minutes, not hours. Not used by the application itself.

use super::statement::{execute, fetch_scalars};
use super::{Store, StoreError};
use app::domain::ids::{IntegrationId, OrganizationId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

/// Rows per INSERT: well under both backends' limits on bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// `($1, $2, …), (…)` for `rows` rows of `columns` parameters each.
fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({cells})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

type Statement<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Inserts `rows` with `insert` (`INSERT INTO … VALUES`) in statements of
/// [`ROWS_PER_STATEMENT`] rows, each bound by `bind` (`columns` parameters a row); returns how
/// many rows were inserted.
async fn insert_chunked<T>(
    connection: &mut AnyConnection,
    (insert, columns): (&str, usize),
    rows: &[T],
    bind: impl for<'q> Fn(Statement<'q>, &'q T) -> Statement<'q>,
) -> Result<u64, StoreError> {
    let mut inserted = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!("{insert} {}", placeholders(chunk.len(), columns));
        let query = chunk.iter().fold(sqlx::query(&sql), &bind);
        inserted += query.execute(&mut *connection).await?.rows_affected();
    }
    Ok(inserted)
}

/// One mapping to insert.
#[derive(Debug, Clone)]
pub struct DemoMapping {
    pub organization_id: OrganizationId,
    pub entity_id: String,
    pub entity_name: String,
}

impl Store {
    /// Inserts customer organizations (names must be new); returns how many.
    pub async fn insert_demo_organizations(
        &self,
        names: &[String],
        now: i64,
    ) -> Result<u64, StoreError> {
        let mut transaction = self.begin_write().await?;
        let insert =
            "INSERT INTO organizations (name, name_key, is_provider, created_at, updated_at) \
             VALUES";
        let inserted = insert_chunked(&mut transaction, (insert, 5), names, |query, name| {
            query
                .bind(name)
                .bind(name.to_lowercase())
                .bind(0_i64)
                .bind(now)
                .bind(now)
        })
        .await?;
        transaction.commit().await?;
        Ok(inserted)
    }

    /// The ids of customer organizations whose name starts with `prefix`, by id.
    pub async fn demo_organization_ids(
        &self,
        prefix: &str,
    ) -> Result<Vec<OrganizationId>, StoreError> {
        let sql =
            "SELECT id FROM organizations WHERE is_provider = 0 AND name_key LIKE $1 ORDER BY id";
        let pattern = format!("{}%", super::escape_like(&prefix.to_lowercase()));
        fetch_scalars(&self.pool, sql, (pattern,)).await
    }

    /// Inserts an integration's mappings, then overrides `override_field_id` with
    /// `override_value` on every tenth of them; returns how many mappings.
    pub async fn insert_demo_mappings(
        &self,
        integration_id: IntegrationId,
        mappings: &[DemoMapping],
        override_field: (i64, &str),
        now: i64,
    ) -> Result<u64, StoreError> {
        let mut transaction = self.begin_write().await?;
        let insert =
            "INSERT INTO integration_mappings (integration_id, organization_id, entity_id, \
             entity_name, created_at, updated_at) VALUES";
        let inserted = insert_chunked(&mut transaction, (insert, 6), mappings, |query, mapping| {
            query
                .bind(integration_id)
                .bind(mapping.organization_id)
                .bind(&mapping.entity_id)
                .bind(&mapping.entity_name)
                .bind(now)
                .bind(now)
        })
        .await?;
        let sql =
            "INSERT INTO config_values (integration_id, field_id, mapping_id, value, updated_at) \
             SELECT m.integration_id, $1, m.id, $2, $3 FROM integration_mappings m \
             WHERE m.integration_id = $4 AND m.id % 10 = 0";
        let params = (override_field.0, override_field.1, now, integration_id);
        execute(&mut *transaction, sql, params).await?;
        transaction.commit().await?;
        Ok(inserted)
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_number_every_cell() {
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
