//! The filter of an audit log listing: its WHERE clause and the values the clause binds.

use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::Any;

use super::audit::AuditQuery;
use super::escape_like;

/// A WHERE clause (empty without conditions) over numbered parameters: the texts first, then
/// the numbers.
pub(super) struct AuditFilter {
    pub clause: String,
    texts: Vec<String>,
    numbers: Vec<i64>,
}

impl AuditFilter {
    pub fn of(query: &AuditQuery) -> AuditFilter {
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
        let clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        AuditFilter {
            clause,
            texts,
            numbers,
        }
    }

    /// How many parameters the clause uses; the statement's own come after them.
    pub fn parameters(&self) -> usize {
        self.texts.len() + self.numbers.len()
    }

    /// Binds the clause's values to a statement that starts its parameters with them.
    pub fn bind<'q, O>(
        &'q self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for text in &self.texts {
            query = query.bind(text);
        }
        for number in &self.numbers {
            query = query.bind(number);
        }
        query
    }
}
