//! What a destination receives: the alert as signed JSON for a generic webhook, a Slack
//! message, a Microsoft Teams Adaptive Card, or an e-mail's subject and text.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The alert, as queued (the same for every destination) and as a generic webhook's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertPayload {
    /// The delivery's id, filled in when it is sent, so a receiver can drop a repeat.
    #[serde(default)]
    pub id: i64,
    pub event: String,
    pub occurred_at: String,
    /// One line for people, e.g. "HaloPSA for Contoso needs reconnecting".
    pub summary: String,
    /// What the provider said, when there is something.
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub integration: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    /// Where an administrator fixes it.
    pub url: String,
}

/// The headers a signed webhook carries.
pub const SIGNATURE_HEADER: &str = "X-Bifrost-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Bifrost-Timestamp";
pub const EVENT_HEADER: &str = "X-Bifrost-Event";
pub const DELIVERY_HEADER: &str = "X-Bifrost-Delivery";

/// `sha256=` and the hex HMAC-SHA256, keyed with the destination's secret, of
/// `{timestamp}.{body}`: the timestamp is signed too, so a receiver can refuse an old replay.
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length: `new_from_slice` fails only for fixed-size-key MACs.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn text_lines(alert: &AlertPayload) -> String {
    let mut lines = vec![alert.summary.clone()];
    if !alert.detail.is_empty() {
        lines.push(alert.detail.clone());
    }
    lines.push(format!("Event: {} at {}", alert.event, alert.occurred_at));
    lines.push(alert.url.clone());
    lines.join("\n")
}

/// A Slack incoming webhook's message.
pub fn slack_body(alert: &AlertPayload) -> serde_json::Value {
    serde_json::json!({ "text": text_lines(alert) })
}

/// A Teams incoming webhook's (Workflows) message: one Adaptive Card.
pub fn teams_body(alert: &AlertPayload) -> serde_json::Value {
    let mut body = vec![serde_json::json!({
        "type": "TextBlock", "text": alert.summary, "weight": "Bolder", "wrap": true,
    })];
    if !alert.detail.is_empty() {
        body.push(serde_json::json!({ "type": "TextBlock", "text": alert.detail, "wrap": true }));
    }
    body.push(serde_json::json!({
        "type": "TextBlock", "text": format!("{} · {}", alert.event, alert.occurred_at),
        "isSubtle": true, "wrap": true,
    }));
    serde_json::json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{ "type": "Action.OpenUrl", "title": "Open in Bifrost", "url": alert.url }],
            },
        }],
    })
}

/// An e-mail's subject and plain-text body.
pub fn email_parts(alert: &AlertPayload) -> (String, String) {
    let subject = format!("[Bifrost] {}", alert.summary);
    let body = format!(
        "{}\n\n--\nBifrost Integrations sent this alert to a destination on its Settings > \
         Notifications page.\n",
        text_lines(alert)
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> AlertPayload {
        AlertPayload {
            id: 7,
            event: "oauth.needs_reconnect".into(),
            occurred_at: "2026-12-05T10:00:00Z".into(),
            summary: "HaloPSA for Contoso needs reconnecting".into(),
            detail: "invalid_grant".into(),
            connection: Some("HaloPSA".into()),
            integration: Some("HaloPSA".into()),
            organization: Some("Contoso".into()),
            url: "https://bifrost.example/?kind=needs-reconnect".into(),
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // Computed independently with Python's hmac and hashlib modules.
        assert_eq!(
            signature(b"whsec_test", 1_764_928_800, r#"{"event":"test"}"#),
            "sha256=2e0b6bee3790ecf2adfc73ad684517f54c29e190bb1edffe5244aa2beff80a9b"
        );
        let body = r#"{"event":"test"}"#;
        assert_ne!(
            signature(b"whsec_test", 1, body),
            signature(b"whsec_test", 2, body)
        );
        assert_ne!(
            signature(b"whsec_test", 1, body),
            signature(b"whsec_tesT", 1, body)
        );
    }

    #[test]
    fn slack_and_teams_carry_the_summary_and_the_link() {
        let slack = slack_body(&alert()).to_string();
        assert!(slack.contains("HaloPSA for Contoso needs reconnecting"));
        assert!(slack.contains("https://bifrost.example/?kind=needs-reconnect"));
        let teams = teams_body(&alert());
        assert_eq!(teams["attachments"][0]["content"]["type"], "AdaptiveCard");
        assert_eq!(
            teams["attachments"][0]["content"]["actions"][0]["url"],
            "https://bifrost.example/?kind=needs-reconnect"
        );
        let (subject, body) = email_parts(&alert());
        assert_eq!(subject, "[Bifrost] HaloPSA for Contoso needs reconnecting");
        assert!(body.contains("invalid_grant"));
    }
}
