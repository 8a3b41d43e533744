//! Alerts over HTTP: a signed JSON webhook, Slack or Teams. The shared outward client refuses
//! internal addresses the operator has not allowed and follows no redirect.

use app::domain::notifications::DestinationKind;
use secrecy::{ExposeSecret, SecretString};

use super::formats::{
    signature, slack_body, teams_body, AlertPayload, DELIVERY_HEADER, EVENT_HEADER,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use crate::oauth::outbound::refusal_of;
use crate::services::ServerServices;
use crate::time::now_millis;

impl ServerServices {
    pub(super) async fn send_webhook_alert(
        &self,
        kind: DestinationKind,
        (url, secret): (&SecretString, Option<&SecretString>),
        payload: &AlertPayload,
    ) -> Result<(), String> {
        let body = match kind {
            DestinationKind::Slack => slack_body(payload).to_string(),
            DestinationKind::Teams => teams_body(payload).to_string(),
            _ => serde_json::to_string(payload).map_err(|error| error.to_string())?,
        };
        // An address in the URL is connected to without DNS, so the resolver's check never
        // sees it: it is checked here.
        let parsed = url::Url::parse(url.expose_secret())
            .map_err(|_| "the destination's URL is unreadable".to_string())?;
        self.oauth
            .policy()
            .check_literal(&parsed)
            .map_err(|refused| refused.to_string())?;
        let mut request = self
            .oauth
            .http()
            .post(parsed)
            .header(http::header::CONTENT_TYPE, "application/json");
        if kind == DestinationKind::Webhook {
            let timestamp = now_millis() / 1000;
            let secret = secret.ok_or_else(|| "the webhook has no signing secret".to_string())?;
            request = request
                .header(EVENT_HEADER, &payload.event)
                .header(DELIVERY_HEADER, payload.id.to_string())
                .header(TIMESTAMP_HEADER, timestamp.to_string())
                .header(
                    SIGNATURE_HEADER,
                    signature(secret.expose_secret().as_bytes(), timestamp, &body),
                );
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|error| describe(&error))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the destination answered HTTP {status}"))
        }
    }
}

/// The error without its URL (a Slack or Teams URL is the credential).
fn describe(error: &reqwest::Error) -> String {
    if let Some(refused) = refusal_of(error) {
        return refused.to_string();
    }
    if error.is_timeout() {
        return "the destination did not answer in time".to_string();
    }
    if error.is_connect() {
        return "the destination's server could not be reached".to_string();
    }
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the destination");
    }
    format!("the request failed: {text}")
}
