//! Alerts: the events that raise them, where they are sent (webhooks and e-mail), and what the
//! Notifications page shows of destinations and deliveries. The rules that need IO (outbound
//! policy, sealing secrets) are the server's.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{AlertDeliveryId, AlertDestinationId};

pub const MAX_DESTINATION_NAME_CHARS: usize = 100;
pub const MAX_RECIPIENTS: usize = 10;

/// What happened, as the `event` of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlertEvent {
    RefreshFailed,
    NeedsReconnect,
    Recovered,
    ClientSecretExpiring,
    ConsentLinkCompleted,
    /// "Send test" on one destination; never subscribed to.
    Test,
}

impl AlertEvent {
    /// The events a destination may subscribe to, in the order the form lists them.
    pub const SUBSCRIBABLE: [AlertEvent; 5] = [
        AlertEvent::NeedsReconnect,
        AlertEvent::RefreshFailed,
        AlertEvent::Recovered,
        AlertEvent::ClientSecretExpiring,
        AlertEvent::ConsentLinkCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertEvent::RefreshFailed => "oauth.refresh_failed",
            AlertEvent::NeedsReconnect => "oauth.needs_reconnect",
            AlertEvent::Recovered => "oauth.recovered",
            AlertEvent::ClientSecretExpiring => "oauth.client_secret_expiring",
            AlertEvent::ConsentLinkCompleted => "consent_link.completed",
            AlertEvent::Test => "test",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AlertEvent::RefreshFailed => "A token's refresh fails",
            AlertEvent::NeedsReconnect => "A token needs reconnecting",
            AlertEvent::Recovered => "A failing token recovers",
            AlertEvent::ClientSecretExpiring => "A client secret expires within 30 days",
            AlertEvent::ConsentLinkCompleted => "A customer completes a consent link",
            AlertEvent::Test => "Test",
        }
    }

    pub fn parse(text: &str) -> Option<AlertEvent> {
        AlertEvent::SUBSCRIBABLE
            .into_iter()
            .chain([AlertEvent::Test])
            .find(|event| event.as_str() == text)
    }
}

/// How a destination receives alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DestinationKind {
    /// JSON signed with HMAC-SHA256 in `X-Bifrost-Signature`.
    Webhook,
    /// A Slack incoming webhook.
    Slack,
    /// A Microsoft Teams incoming webhook (Workflows), sent an Adaptive Card.
    Teams,
    Email,
}

impl DestinationKind {
    pub const ALL: [DestinationKind; 4] = [
        DestinationKind::Webhook,
        DestinationKind::Slack,
        DestinationKind::Teams,
        DestinationKind::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DestinationKind::Webhook => "webhook",
            DestinationKind::Slack => "slack",
            DestinationKind::Teams => "teams",
            DestinationKind::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DestinationKind::Webhook => "Webhook (signed JSON)",
            DestinationKind::Slack => "Slack",
            DestinationKind::Teams => "Microsoft Teams",
            DestinationKind::Email => "E-mail (SMTP)",
        }
    }

    pub fn parse(text: &str) -> Option<DestinationKind> {
        DestinationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    /// No encryption: only to a relay on this machine, or where the operator allows plain
    /// connections, and never with credentials.
    Plain,
}

impl SmtpSecurity {
    pub const ALL: [SmtpSecurity; 3] = [
        SmtpSecurity::StartTls,
        SmtpSecurity::Tls,
        SmtpSecurity::Plain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::StartTls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::Plain => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SmtpSecurity::StartTls => "STARTTLS (usually port 587)",
            SmtpSecurity::Tls => "TLS (usually port 465)",
            SmtpSecurity::Plain => "None (a relay on this machine only)",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        }
    }

    pub fn parse(text: &str) -> Option<SmtpSecurity> {
        SmtpSecurity::ALL
            .into_iter()
            .find(|security| security.as_str() == text)
    }
}

/// The Add destination form, as typed. Fields of other kinds are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DestinationDraft {
    pub name: String,
    /// [`DestinationKind::as_str`].
    pub kind: String,
    /// Webhook, Slack and Teams.
    pub url: String,
    pub smtp_host: String,
    /// Empty for the security's usual port.
    pub smtp_port: String,
    /// [`SmtpSecurity::as_str`].
    pub smtp_security: String,
    pub smtp_username: String,
    pub smtp_password: String,
    pub email_from: String,
    /// Comma-separated addresses.
    pub email_to: String,
    /// [`AlertEvent::as_str`] of each event subscribed to.
    pub events: Vec<String>,
}

/// A destination as listed: never its URL's path, its signing secret or its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationView {
    pub id: AlertDestinationId,
    pub name: String,
    pub kind: DestinationKind,
    /// The URL's host, or the SMTP host and the recipients.
    pub target: String,
    pub events: Vec<AlertEvent>,
    pub created_by: String,
    pub created_at: i64,
    /// The Edit form's starting point: every setting but the URL and the password, which stay
    /// on the server (left empty, they are kept).
    pub draft: DestinationDraft,
}

/// A destination just added; a signed webhook's secret is shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedDestination {
    pub view: DestinationView,
    pub signing_secret: Option<String>,
}

impl std::fmt::Debug for CreatedDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedDestination")
            .field("view", &self.view)
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "…"))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Queued, or waiting for its next attempt.
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Pending",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Failed => "Failed",
        }
    }

    pub fn parse(text: &str) -> DeliveryStatus {
        match text {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One alert sent (or to be sent) to one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: AlertDeliveryId,
    pub destination_name: String,
    /// [`AlertEvent::as_str`].
    pub event: String,
    /// What it is about, e.g. "HaloPSA for Contoso".
    pub summary: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub finished_at: Option<i64>,
}

/// What "Send test" answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub delivered: bool,
    /// "Delivered", or the error the destination gave.
    pub message: String,
}

/// Whether `text` looks like one e-mail address (the server parses it fully).
pub fn looks_like_address(text: &str) -> bool {
    if text
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"'))
    {
        return false;
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_kinds_read_back_what_they_write() {
        for event in AlertEvent::SUBSCRIBABLE {
            assert_eq!(AlertEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(AlertEvent::parse("oauth.unknown"), None);
        for kind in DestinationKind::ALL {
            assert_eq!(DestinationKind::parse(kind.as_str()), Some(kind));
        }
        for security in SmtpSecurity::ALL {
            assert_eq!(SmtpSecurity::parse(security.as_str()), Some(security));
        }
    }

    #[test]
    fn addresses_need_one_at_and_a_domain() {
        assert!(looks_like_address("ops@example.com"));
        for bad in [
            "ops",
            "@example.com",
            "ops@example",
            "ops@@example.com",
            "a b@example.com",
            "ops@.com",
            "a,b@example.com",
        ] {
            assert!(!looks_like_address(bad), "{bad}");
        }
    }
}
