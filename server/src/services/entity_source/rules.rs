//! The Entity source form's rules: a path under `base_url`, an authentication the integration
//! can give, JSON Pointers RFC 6901 allows, a paging kind with what it needs, and bounds on
//! pages and caching. Every broken rule is reported at once, beside its field.

use app::domain::ids::IntegrationId;
use app::domain::integration::{
    is_valid_field_key, EntitySourceDraft, DEFAULT_CACHE_MINUTES, DEFAULT_MAX_PAGES,
};
use app::error::{note, AppError, FieldError};

use super::pages::{check_pointer, EntityShape, Paging};
use crate::store::entity_sources::EntitySourceRow;
use crate::store::integrations::FieldRow;

const MAX_PATH_CHARS: usize = 500;
const MAX_PAGES_LIMIT: i64 = 1_000;
/// A week: a list kept longer would mislead more than it saves.
const MAX_CACHE_MINUTES: i64 = 7 * 24 * 60;
/// Headers a config field may not be sent as: the client sets them, or they would change how
/// the request is routed.
const RESERVED_HEADERS: [&str; 6] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "cookie",
    "proxy-authorization",
];

/// The checked row to store, or every rule broken. `fields` is the integration's schema.
pub fn check_entity_source(
    integration_id: IntegrationId,
    draft: &EntitySourceDraft,
    fields: &[FieldRow],
    now: i64,
) -> Result<EntitySourceRow, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let path = note(&mut errors, check_path(&draft.path));
    let (auth_kind, header_name, header_field) = note(&mut errors, check_auth(draft, fields));
    let pointer = |field: &'static str, raw: &str| {
        let text = raw.trim().to_string();
        check_pointer(field, &text)
            .map(|()| text)
            .map_err(|error| AppError::invalid(field, &pointer_rule(&error.to_string())))
    };
    let list_pointer = note(&mut errors, pointer("list_pointer", &draft.list_pointer));
    let id_pointer = note(&mut errors, pointer("id_pointer", &draft.id_pointer));
    let name_pointer = note(&mut errors, pointer("name_pointer", &draft.name_pointer));
    let paging = note(&mut errors, check_paging(draft));
    let max_pages = note(
        &mut errors,
        whole_number(
            "max_pages",
            &draft.max_pages,
            DEFAULT_MAX_PAGES,
            1..=MAX_PAGES_LIMIT,
        ),
    );
    let cache_minutes = note(
        &mut errors,
        whole_number(
            "cache_minutes",
            &draft.cache_minutes,
            DEFAULT_CACHE_MINUTES,
            0..=MAX_CACHE_MINUTES,
        ),
    );
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    let (paging_kind, next_pointer, page_parameter, first_page) = paging;
    Ok(EntitySourceRow {
        integration_id,
        path,
        auth_kind,
        header_name,
        header_field,
        list_pointer,
        id_pointer,
        name_pointer,
        paging_kind,
        next_pointer,
        page_parameter,
        first_page,
        max_pages,
        cache_seconds: cache_minutes * 60,
        updated_at: now,
    })
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
    }
}

fn pointer_rule(message: &str) -> String {
    // The pointer error starts with the field's own name, which the form already shows.
    message
        .split_once(' ')
        .map_or(message, |(_, rest)| rest)
        .to_string()
}

fn check_path(raw: &str) -> Result<String, AppError> {
    let path = raw.trim();
    if path.is_empty() {
        return Err(AppError::invalid(
            "path",
            "is required, such as /api/companies",
        ));
    }
    if path.chars().count() > MAX_PATH_CHARS || path.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "path",
            &format!("must be at most {MAX_PATH_CHARS} characters on one line"),
        ));
    }
    if path.contains("://") || path.starts_with("//") {
        return Err(AppError::invalid(
            "path",
            "is a path under base_url, such as /api/companies, not a whole URL",
        ));
    }
    if path.contains('#') {
        return Err(AppError::invalid("path", "must not have a #fragment"));
    }
    Ok(path.to_string())
}

type Auth = (String, String, String);

fn check_auth(draft: &EntitySourceDraft, fields: &[FieldRow]) -> Result<Auth, AppError> {
    match draft.auth_kind.trim() {
        "oauth" | "" => Ok(("oauth".into(), String::new(), String::new())),
        "header" => {
            let name = draft.header_name.trim();
            let valid_name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok();
            let mut errors = Vec::new();
            if !valid_name {
                errors.push(field_error(
                    "header_name",
                    "must be an HTTP header name, such as X-Api-Key",
                ));
            } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                errors.push(field_error(
                    "header_name",
                    &format!("cannot be {name}: the server sets it"),
                ));
            }
            let field = draft.header_field.trim();
            if !is_valid_field_key(field) || !fields.iter().any(|f| f.field_key == field) {
                errors.push(field_error(
                    "header_field",
                    "must be one of this integration's config fields",
                ));
            }
            if errors.is_empty() {
                Ok(("header".into(), name.to_string(), field.to_string()))
            } else {
                Err(AppError::InvalidFields(errors))
            }
        }
        _ => Err(AppError::invalid(
            "auth_kind",
            "must be the shared OAuth token or a config field sent as a header",
        )),
    }
}

type PagingColumns = (String, String, String, i64);

fn check_paging(draft: &EntitySourceDraft) -> Result<PagingColumns, AppError> {
    match draft.paging_kind.trim() {
        "single" | "" => Ok(("single".into(), String::new(), String::new(), 1)),
        "link_header" => Ok(("link_header".into(), String::new(), String::new(), 1)),
        "next_link" => {
            let pointer = draft.next_pointer.trim();
            if pointer.is_empty() {
                return Err(AppError::invalid(
                    "next_pointer",
                    "is required: where the answer holds the next page's link, such as /next",
                ));
            }
            check_pointer("next_pointer", pointer).map_err(|error| {
                AppError::invalid("next_pointer", &pointer_rule(&error.to_string()))
            })?;
            Ok(("next_link".into(), pointer.to_string(), String::new(), 1))
        }
        "page_parameter" => {
            let name = draft.page_parameter.trim();
            let valid = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
            if !valid {
                return Err(AppError::invalid(
                    "page_parameter",
                    "must be a query parameter name such as page (letters, digits, _ - . [ ])",
                ));
            }
            let first = whole_number("first_page", &draft.first_page, 1, 0..=1_000_000)?;
            Ok((
                "page_parameter".into(),
                String::new(),
                name.to_string(),
                first,
            ))
        }
        _ => Err(AppError::invalid(
            "paging_kind",
            "must be one request, a next link in the body, a Link header, or a page parameter",
        )),
    }
}

/// A whole number in `range`, or `default` when left empty.
fn whole_number(
    field: &str,
    raw: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(default);
    }
    match text.parse::<i64>() {
        Ok(value) if range.contains(&value) => Ok(value),
        _ => Err(AppError::invalid(
            field,
            &format!(
                "must be a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

impl EntitySourceRow {
    /// Where the entities are in an answer.
    pub fn shape(&self) -> EntityShape {
        EntityShape {
            list: self.list_pointer.clone(),
            id: self.id_pointer.clone(),
            name: self.name_pointer.clone(),
        }
    }

    /// How its pages follow each other.
    pub fn paging(&self) -> Paging {
        match self.paging_kind.as_str() {
            "next_link" => Paging::NextLinkInBody {
                pointer: self.next_pointer.clone(),
            },
            "link_header" => Paging::LinkHeader,
            "page_parameter" => Paging::PageParameter {
                name: self.page_parameter.clone(),
                first: u32::try_from(self.first_page).unwrap_or(1),
            },
            _ => Paging::SinglePage,
        }
    }
}
