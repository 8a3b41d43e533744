//! Consent links: a link the MSP sends to a customer's administrator, who consents at the
//! provider for their organization without an account here. What an administrator sees of a
//! link, and the rules that need no IO.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ConsentLinkId, OrganizationId};
use crate::error::AppError;

/// How long a new link works unless the administrator chooses otherwise.
pub const DEFAULT_LINK_DAYS: i64 = 7;
/// The longest a link may work: a link is a credential in someone's mailbox.
pub const MAX_LINK_DAYS: i64 = 30;
/// Where a link is opened: `/consent/<secret>`.
pub const CONSENT_PATH: &str = "/consent/";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The link's lifetime in milliseconds, from the "Expires after (days)" field.
pub fn parse_link_days(raw: &str) -> Result<i64, AppError> {
    let days = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|days| (1..=MAX_LINK_DAYS).contains(days))
        .ok_or_else(|| {
            AppError::invalid(
                "days",
                &format!("must be a whole number of days from 1 to {MAX_LINK_DAYS}"),
            )
        })?;
    Ok(days * DAY_MS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentLinkState {
    /// Not used, not revoked, not expired: the customer can still consent with it.
    Open,
    Used,
    Expired,
    Revoked,
}

impl ConsentLinkState {
    pub fn of(expires_at: i64, used_at: Option<i64>, revoked_at: Option<i64>, now: i64) -> Self {
        match (used_at, revoked_at) {
            (Some(_), _) => ConsentLinkState::Used,
            (None, Some(_)) => ConsentLinkState::Revoked,
            _ if expires_at <= now => ConsentLinkState::Expired,
            _ => ConsentLinkState::Open,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConsentLinkState::Open => "Open",
            ConsentLinkState::Used => "Used",
            ConsentLinkState::Expired => "Expired",
            ConsentLinkState::Revoked => "Revoked",
        }
    }
}

/// A link as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLinkView {
    pub id: ConsentLinkId,
    pub organization_id: OrganizationId,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub state: ConsentLinkState,
}

/// A link just created: the only time its address is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedConsentLink {
    pub link: ConsentLinkView,
    pub url: String,
}

impl std::fmt::Debug for CreatedConsentLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedConsentLink")
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_lasts_one_to_thirty_whole_days() {
        assert_eq!(parse_link_days(" 7 "), Ok(7 * DAY_MS));
        assert_eq!(parse_link_days("30"), Ok(30 * DAY_MS));
        for bad in ["", "0", "31", "-1", "1.5", "seven"] {
            let error = parse_link_days(bad).expect_err(bad);
            assert!(error.for_field("days").is_some(), "{bad}: {error}");
        }
    }

    #[test]
    fn used_wins_over_revoked_and_both_over_expiry() {
        let state = ConsentLinkState::of;
        assert_eq!(state(100, None, None, 99), ConsentLinkState::Open);
        assert_eq!(state(100, None, None, 100), ConsentLinkState::Expired);
        assert_eq!(state(100, None, Some(50), 200), ConsentLinkState::Revoked);
        assert_eq!(state(100, Some(60), Some(70), 200), ConsentLinkState::Used);
    }

    #[test]
    fn a_created_link_does_not_show_its_address_in_debug_output() {
        let created = CreatedConsentLink {
            link: ConsentLinkView {
                id: ConsentLinkId::new(1),
                organization_id: OrganizationId::new(2),
                created_by: "admin@example.com".into(),
                created_at: 0,
                expires_at: 1,
                used_at: None,
                state: ConsentLinkState::Open,
            },
            url: "https://bifrost.example.com/consent/secret-canary".into(),
        };
        assert!(!format!("{created:?}").contains("secret-canary"));
    }
}
