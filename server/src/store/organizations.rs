//! Organization rows: the provider (the MSP) and its customers.

use sqlx::FromRow;

use super::{Store, StoreError};

/// An organization as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub is_provider: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One page of a list, with the number of rows that match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

const COLUMNS: &str = "id, name, is_provider, created_at, updated_at";

impl Store {
    /// Inserts an organization; a name already taken (in any case) is a `Conflict`.
    pub async fn insert_organization(
        &self,
        name: &str,
        is_provider: bool,
        now: i64,
    ) -> Result<OrganizationRow, StoreError> {
        let sql = format!(
            "INSERT INTO organizations (name, name_key, is_provider, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
        );
        let row = sqlx::query_as(&sql)
            .bind(name)
            .bind(name.to_lowercase())
            .bind(i64::from(is_provider))
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        Ok(row)
    }

    pub async fn find_organization(&self, id: i64) -> Result<Option<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn find_provider_organization(&self) -> Result<Option<OrganizationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE is_provider = 1");
        Ok(sqlx::query_as(&sql).fetch_optional(&self.pool).await?)
    }

    /// Organizations whose name contains `search` (any case), provider first, then by name.
    pub async fn list_organizations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationRow>, StoreError> {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organizations WHERE name_key LIKE $1 ESCAPE '\\'",
        )
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM organizations WHERE name_key LIKE $1 ESCAPE '\\' \
             ORDER BY is_provider DESC, name_key LIMIT $2 OFFSET $3"
        );
        let items = sqlx::query_as(&sql)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        Ok(Page { items, total })
    }
}

/// Makes `%`, `_` and `\` in user input match themselves in a `LIKE … ESCAPE '\'` pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_search_text_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
