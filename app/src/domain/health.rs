//! The health centre on the Dashboard: what needs an administrator's attention, counted and
//! listed by kind, each with where it is fixed. Shapes shared by server and browser, and the
//! rules of its filter.

use serde::{Deserialize, Serialize};

use crate::domain::paging::Paged;
use crate::error::AppError;

/// How far ahead "Expiring" looks unless the administrator chooses otherwise.
pub const DEFAULT_WINDOW_DAYS: i64 = 7;
pub const MAX_WINDOW_DAYS: i64 = 90;
/// Rows on one page of a health list.
pub const HEALTH_PAGE_SIZE: i64 = 25;
/// How far ahead a client secret's expiry date is shown.
pub const CLIENT_SECRET_NOTICE_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HealthKind {
    /// The provider refused the grant: someone must connect again.
    #[default]
    NeedsReconnect,
    /// A refresh failed for another reason; the server keeps trying.
    RefreshFailing,
    /// No refresh token, and it expires within the window (or has expired).
    Expiring,
    /// The integration's shared token was never connected.
    NeverConnected,
    /// A required field with no default, not set on the mapping.
    MissingValues,
    /// The connection's client secret expires within 30 days (or has expired).
    ClientSecretExpiring,
}

impl HealthKind {
    pub const ALL: [HealthKind; 6] = [
        HealthKind::NeedsReconnect,
        HealthKind::RefreshFailing,
        HealthKind::Expiring,
        HealthKind::NeverConnected,
        HealthKind::MissingValues,
        HealthKind::ClientSecretExpiring,
    ];

    /// Its name in the page's address (`?kind=`).
    pub fn key(self) -> &'static str {
        match self {
            HealthKind::NeedsReconnect => "needs-reconnect",
            HealthKind::RefreshFailing => "refresh-failing",
            HealthKind::Expiring => "expiring",
            HealthKind::NeverConnected => "never-connected",
            HealthKind::MissingValues => "missing-values",
            HealthKind::ClientSecretExpiring => "client-secret-expiring",
        }
    }

    /// The kind an address names; the first kind for anything else.
    pub fn from_key(key: &str) -> HealthKind {
        HealthKind::ALL
            .into_iter()
            .find(|kind| kind.key() == key)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            HealthKind::NeedsReconnect => "Needs reconnect",
            HealthKind::RefreshFailing => "Refresh failing",
            HealthKind::Expiring => "Expiring",
            HealthKind::NeverConnected => "Never connected",
            HealthKind::MissingValues => "Missing required values",
            HealthKind::ClientSecretExpiring => "Client secret expiring",
        }
    }
}

/// The Dashboard's filter form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthFilter {
    pub kind: HealthKind,
    /// Part of an integration's name.
    pub integration: String,
    /// Part of an organization's name.
    pub organization: String,
    /// Days ahead for Expiring, as typed; empty for the default.
    pub window_days: String,
}

/// The Expiring window in days: empty means the default; else a whole number from 1 to 90.
pub fn parse_window_days(raw: &str) -> Result<i64, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(DEFAULT_WINDOW_DAYS);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|days| (1..=MAX_WINDOW_DAYS).contains(days))
        .ok_or_else(|| {
            AppError::invalid(
                "window_days",
                &format!("must be a whole number of days from 1 to {MAX_WINDOW_DAYS}"),
            )
        })
}

/// One thing to fix, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthItem {
    pub integration_name: String,
    /// `None` for the integration's shared token or the integration itself.
    pub organization_name: Option<String>,
    /// The provider's last error, the connection's name, or the missing field.
    pub detail: String,
    /// When it expires (Expiring) or last changed.
    pub at: Option<i64>,
    pub fix_href: String,
    pub fix_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthView {
    /// Each kind with how many match the filter, in `HealthKind::ALL`'s order.
    pub counts: Vec<(HealthKind, i64)>,
    pub items: Paged<HealthItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_key_and_unknown_keys_fall_back() {
        for kind in HealthKind::ALL {
            assert_eq!(HealthKind::from_key(kind.key()), kind);
        }
        assert_eq!(HealthKind::from_key("nope"), HealthKind::NeedsReconnect);
    }

    #[test]
    fn the_window_is_one_to_ninety_days_or_the_default() {
        assert_eq!(parse_window_days(""), Ok(DEFAULT_WINDOW_DAYS));
        assert_eq!(parse_window_days(" 30 "), Ok(30));
        for bad in ["0", "91", "x", "1.5"] {
            let error = parse_window_days(bad).expect_err(bad);
            assert!(error.for_field("window_days").is_some(), "{bad}");
        }
    }
}
