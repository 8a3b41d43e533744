//! Reading the audit log.

use app::domain::audit::{AuditEntryView, AuditFilter, FieldChange, AUDIT_ENTRIES_PER_PAGE};
use app::domain::paging::{PageRequest, Paged};
use app::domain::time::{end_of_date, parse_date};
use app::error::AppError;
use app::ssr::AuditServices;
use serde_json::Value;

use super::{internal, ServerServices};
use crate::store::audit::{AuditQuery, AuditRow};

#[async_trait::async_trait]
impl AuditServices for ServerServices {
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: i64,
    ) -> Result<Paged<AuditEntryView>, AppError> {
        let query = audit_query(filter)?;
        let request = PageRequest::new(page, AUDIT_ENTRIES_PER_PAGE);
        let rows = self
            .store
            .list_audit_entries(&query, request.per_page, request.offset())
            .await
            .map_err(internal)?;
        Ok(rows.paged(request, view))
    }
}

fn audit_query(filter: &AuditFilter) -> Result<AuditQuery, AppError> {
    let text = |value: &str| Some(value.trim().to_string()).filter(|value| !value.is_empty());
    let date = |field: &str, value: &str, parse: fn(&str) -> Option<i64>| match value.trim() {
        "" => Ok(None),
        value => parse(value)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "must be a date (YYYY-MM-DD)")),
    };
    let from = date("from", &filter.from, parse_date)?;
    let to = date("to", &filter.to, end_of_date)?;
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            return Err(AppError::invalid("to", "must not be before the start date"));
        }
    }
    Ok(AuditQuery {
        actor: text(&filter.actor),
        object: text(&filter.object),
        from,
        to,
    })
}

fn view(row: AuditRow) -> AuditEntryView {
    let changes = match serde_json::from_str::<Value>(&row.changes) {
        Ok(Value::Object(fields)) => fields
            .into_iter()
            .map(|(field, change)| FieldChange {
                field,
                from: change.get("from").and_then(display),
                to: change.get("to").and_then(display),
            })
            .collect(),
        _ => Vec::new(),
    };
    AuditEntryView {
        id: row.id,
        occurred_at: row.occurred_at,
        actor: row.actor_label,
        action: row.action,
        object_type: row.object_type,
        object_label: row.object_label,
        changes,
    }
}

fn display(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(from: &str, to: &str) -> AuditFilter {
        AuditFilter {
            from: from.into(),
            to: to.into(),
            ..AuditFilter::default()
        }
    }

    #[test]
    fn dates_filter_whole_days_and_bad_dates_name_their_field() {
        let query = audit_query(&filter("2026-11-24", "2026-11-24")).expect("valid");
        assert_eq!(
            query.to.zip(query.from).map(|(to, from)| to - from),
            Some(86_400_000)
        );
        let error = audit_query(&filter("24.11.2026", "")).expect_err("bad date");
        assert_eq!(error.for_field("from"), Some("must be a date (YYYY-MM-DD)"));
        assert!(audit_query(&filter("2026-11-25", "2026-11-24"))
            .expect_err("reversed")
            .for_field("to")
            .is_some());
    }

    #[test]
    fn blank_text_filters_do_not_filter() {
        let query = audit_query(&AuditFilter {
            actor: "  ".into(),
            ..AuditFilter::default()
        })
        .expect("valid");
        assert!(query.actor.is_none() && query.object.is_none());
    }
}
