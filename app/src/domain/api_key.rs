//! API keys for the workflow API: the form, what the browser sees, and the rules that need no IO.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ApiKeyId, OrganizationId};

use crate::error::AppError;

pub const MAX_KEY_NAME_CHARS: usize = 100;
/// What every key starts with, so a leaked one is recognisable (and findable by secret scanners).
pub const KEY_PREFIX: &str = "bfk_";

/// The Create API key form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApiKeyDraft {
    pub name: String,
    /// The organization the key acts for; the provider organization's keys act for any.
    pub organization_id: Option<OrganizationId>,
    /// `YYYY-MM-DD` (the key works through that day, UTC), or empty for no expiry.
    pub expires_on: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiKeyStatus {
    Active,
    Expired,
    Revoked,
}

impl ApiKeyStatus {
    pub fn label(self) -> &'static str {
        match self {
            ApiKeyStatus::Active => "Active",
            ApiKeyStatus::Expired => "Expired",
            ApiKeyStatus::Revoked => "Revoked",
        }
    }
}

/// A key as listed: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: ApiKeyId,
    pub name: String,
    /// The start of the key, to recognise it by (`bfk_ab12cd34…`).
    pub prefix: String,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    /// Whether the key may act for any organization.
    pub provider_scope: bool,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub status: ApiKeyStatus,
}

/// A key just created: the only time the key is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub view: ApiKeyView,
    pub key: String,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

/// A key's name: 1–100 characters on one line.
pub fn parse_key_name(text: &str) -> Result<String, AppError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "is required"));
    }
    if name.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(AppError::invalid(
            "name",
            &format!("must be at most {MAX_KEY_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid("name", "must be on one line"));
    }
    Ok(name.to_string())
}

/// The first millisecond after the expiry day, `None` for no expiry; the day must not be past.
pub fn parse_expiry(text: &str, now: i64) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let end = crate::domain::time::end_of_date(text)
        .ok_or_else(|| AppError::invalid("expires_on", "must be a date like 2027-01-31"))?;
    if end <= now {
        return Err(AppError::invalid("expires_on", "must be today or later"));
    }
    Ok(Some(end))
}

pub fn status_of(expires_at: Option<i64>, revoked_at: Option<i64>, now: i64) -> ApiKeyStatus {
    match (revoked_at, expires_at) {
        (Some(_), _) => ApiKeyStatus::Revoked,
        (None, Some(expiry)) if expiry <= now => ApiKeyStatus::Expired,
        _ => ApiKeyStatus::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_required_short_and_on_one_line() {
        assert_eq!(parse_key_name("  Runner  ").expect("name"), "Runner");
        for bad in ["", "   ", "a\nb", &"x".repeat(101)] {
            assert!(parse_key_name(bad)
                .expect_err(bad)
                .for_field("name")
                .is_some());
        }
    }

    #[test]
    fn an_expiry_is_a_date_not_in_the_past() {
        let now = 1_795_993_850_000; // 2026-11-29
        assert_eq!(parse_expiry("", now).expect("none"), None);
        assert_eq!(
            parse_expiry("2026-11-29", now).expect("today"),
            Some(1_795_996_800_000)
        );
        for bad in ["2026-11-28", "tomorrow", "2026-02-30"] {
            assert!(parse_expiry(bad, now)
                .expect_err(bad)
                .for_field("expires_on")
                .is_some());
        }
    }

    #[test]
    fn revoked_beats_expired_beats_active() {
        assert_eq!(status_of(None, None, 5), ApiKeyStatus::Active);
        assert_eq!(status_of(Some(5), None, 5), ApiKeyStatus::Expired);
        assert_eq!(status_of(Some(9), Some(1), 5), ApiKeyStatus::Revoked);
    }
}
