//! Alerts: when a token stops refreshing, recovers, needs reconnecting, a client secret is about
//! to expire or a customer completes a consent link, each destination subscribed to the event
//! gets one delivery, queued in the store and sent by whichever server claims it first.

pub mod deliver;
pub mod destination_rules;
mod email;
pub mod formats;
mod upkeep;
mod webhook;

use app::domain::ids::{AlertDeliveryId, TokenId};
use app::domain::notifications::AlertEvent;

use crate::services::workflow_api::answers::rfc3339;
use crate::services::ServerServices;
use crate::store::alert_queue::QueuedAlert;
use crate::store::StoreError;
use crate::time::now_millis;
use formats::AlertPayload;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// How long the same event about the same subject is not queued again: a refresh failing every
/// 30 seconds alerts once an hour; an expiring client secret once a week.
pub fn quiet_window_ms(event: AlertEvent) -> Option<i64> {
    match event {
        AlertEvent::RefreshFailed | AlertEvent::NeedsReconnect | AlertEvent::Recovered => {
            Some(HOUR_MS)
        }
        AlertEvent::ClientSecretExpiring => Some(7 * 24 * HOUR_MS),
        AlertEvent::ConsentLinkCompleted | AlertEvent::Test => None,
    }
}

/// Something that happened, before it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub event: AlertEvent,
    /// What it is about, for de-duplication: `token:12`, `connection:3:…`.
    pub subject: String,
    pub summary: String,
    pub detail: String,
    pub connection: Option<String>,
    pub integration: Option<String>,
    pub organization: Option<String>,
    /// The page that fixes it, from the server's root: `/?kind=needs-reconnect`.
    pub path: String,
}

impl ServerServices {
    /// Queues the alert; a failure is logged, never the caller's: alerts must not break what
    /// raised them.
    pub async fn raise_alert(&self, alert: Alert) {
        if let Err(error) = self.queue_alert(&alert, now_millis()).await {
            tracing::error!(event = alert.event.as_str(), %error, "queueing an alert failed");
        }
    }

    /// Queues the alert for each destination subscribed to its event, unless its window for
    /// the subject is still open; the deliveries queued.
    pub async fn queue_alert(
        &self,
        alert: &Alert,
        now: i64,
    ) -> Result<Vec<AlertDeliveryId>, StoreError> {
        let event = alert.event.as_str();
        let destinations: Vec<_> = self
            .store
            .list_alert_destinations()
            .await?
            .into_iter()
            .filter(|destination| destination.subscribes_to(event))
            .map(|destination| destination.id)
            .collect();
        if destinations.is_empty() {
            return Ok(Vec::new());
        }
        let payload = self.payload_of(alert, now);
        let queued = self
            .store
            .queue_alert(
                &QueuedAlert {
                    event,
                    subject: &alert.subject,
                    payload: &payload,
                    destinations: &destinations,
                    quiet_until: quiet_window_ms(alert.event).map(|window| now + window),
                },
                now,
            )
            .await?;
        if !queued.is_empty() {
            self.alert_wakeup.notify_one();
        }
        Ok(queued)
    }

    pub(crate) fn payload_of(&self, alert: &Alert, now: i64) -> String {
        let payload = AlertPayload {
            id: 0,
            event: alert.event.as_str().to_string(),
            occurred_at: rfc3339(now),
            summary: alert.summary.clone(),
            detail: alert.detail.clone(),
            connection: alert.connection.clone(),
            integration: alert.integration.clone(),
            organization: alert.organization.clone(),
            url: format!("{}{}", self.config.public_url, alert.path),
        };
        serde_json::to_string(&payload).unwrap_or_default()
    }

    /// An alert about a token: named by its connection and, for an organization's own token,
    /// the organization.
    pub(crate) async fn raise_token_alert(
        &self,
        token_id: TokenId,
        event: AlertEvent,
        detail: &str,
    ) {
        let names = match self.store.token_names(token_id).await {
            Ok(Some(names)) => names,
            Ok(None) => return,
            Err(error) => {
                tracing::error!(token = token_id.get(), %error, "reading a token for an alert failed");
                return;
            }
        };
        let who = match &names.organization {
            Some(organization) => format!("{} for {organization}", names.connection),
            None => format!("The shared {} token", names.connection),
        };
        let (summary, path) = match event {
            AlertEvent::NeedsReconnect => (
                format!("{who} needs reconnecting"),
                "/?kind=needs-reconnect",
            ),
            AlertEvent::RefreshFailed => {
                (format!("Refreshing {who} fails"), "/?kind=refresh-failing")
            }
            _ => (format!("{who} works again"), "/"),
        };
        self.raise_alert(Alert {
            event,
            subject: format!("token:{}", token_id.get()),
            summary: capitalized(&summary),
            detail: detail.to_string(),
            connection: Some(names.connection),
            integration: None,
            organization: names.organization,
            path: path.to_string(),
        })
        .await;
    }
}

fn capitalized(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

impl ServerServices {
    /// Raises `oauth.client_secret_expiring` for each connection whose client secret's last
    /// day is within 30 days (or past); each is alerted again a week later while it lasts.
    pub async fn raise_client_secret_alerts(&self, now: i64) -> Result<usize, StoreError> {
        let notice = app::domain::health::CLIENT_SECRET_NOTICE_DAYS * 24 * HOUR_MS;
        let expiring = self.store.client_secrets_expiring(now + notice).await?;
        let mut queued = 0;
        for connection in expiring {
            let day = app::domain::time::format_date(connection.client_secret_expires_at);
            let tense = if connection.client_secret_expires_at + 24 * HOUR_MS <= now {
                "expired on"
            } else {
                "expires on"
            };
            let alert = Alert {
                event: AlertEvent::ClientSecretExpiring,
                subject: format!("connection:{}:{day}", connection.id),
                summary: format!("The client secret of {} {tense} {day}", connection.name),
                detail: "Create a new secret at the provider and save it on the connection.".into(),
                connection: Some(connection.name),
                integration: None,
                organization: None,
                path: "/?kind=client-secret-expiring".into(),
            };
            queued += self.queue_alert(&alert, now).await?.len();
        }
        Ok(queued)
    }
}
