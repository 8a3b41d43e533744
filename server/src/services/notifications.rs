//! Settings > Notifications: alert destinations and their deliveries. Queuing and sending are
//! `alerts`; this is the administrator's side.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::AlertDestinationId;
use app::domain::notifications::{
    AlertEvent, CreatedDestination, DeliveryStatus, DeliveryView, DestinationDraft,
    DestinationKind, DestinationView, TestOutcome,
};
use app::domain::paging::{PageRequest, Paged};
use app::error::AppError;
use app::ssr::NotificationServices;
use secrecy::SecretString;

use super::{actor_of, internal, ServerServices};
use crate::alerts::destination_rules::{
    check_destination, CheckedDestination, SmtpSettings, Target,
};
use crate::alerts::formats::AlertPayload;
use crate::alerts::Alert;
use crate::auth::session_token::new_token;
use crate::store::alert_destinations::{
    AlertDestinationRow, NewAlertDestination, MAX_DESTINATIONS,
};
use crate::store::alert_queue::{AlertDeliveryRow, AttemptOutcome, QueuedAlert};
use crate::store::StoreError;
use crate::time::now_millis;

pub const DELIVERIES_PER_PAGE: i64 = 25;
/// What a signed webhook's secret starts with, so it is recognised where it is pasted.
const SIGNING_SECRET_PREFIX: &str = "whsec_";

pub(super) fn destination_view(row: &AlertDestinationRow) -> DestinationView {
    let smtp: SmtpSettings = serde_json::from_str(&row.settings).unwrap_or_default();
    let draft = DestinationDraft {
        name: row.name.clone(),
        kind: row.kind.clone(),
        url: String::new(),
        smtp_port: if smtp.port == 0 {
            String::new()
        } else {
            smtp.port.to_string()
        },
        smtp_host: smtp.host,
        smtp_security: smtp.security,
        smtp_username: smtp.username,
        smtp_password: String::new(),
        email_from: smtp.from,
        email_to: smtp.to.join(", "),
        events: row.events.split(',').map(str::to_string).collect(),
    };
    DestinationView {
        id: row.id,
        name: row.name.clone(),
        kind: DestinationKind::parse(&row.kind).unwrap_or(DestinationKind::Webhook),
        target: row.target.clone(),
        events: row
            .events
            .split(',')
            .filter_map(AlertEvent::parse)
            .collect(),
        created_by: row.created_by.clone(),
        created_at: row.created_at,
        draft,
    }
}

fn delivery_view(row: AlertDeliveryRow) -> DeliveryView {
    let summary = serde_json::from_str::<AlertPayload>(&row.payload)
        .map(|payload| payload.summary)
        .unwrap_or_default();
    DeliveryView {
        id: row.id,
        destination_name: row.destination_name,
        event: row.event,
        summary,
        status: DeliveryStatus::parse(&row.status),
        attempts: row.attempts,
        last_error: row.last_error,
        created_at: row.created_at,
        next_attempt_at: row.next_attempt_at,
        finished_at: row.finished_at,
    }
}

/// The row to store, and a signed webhook's new secret.
fn new_destination<'a>(
    checked: &'a CheckedDestination,
    settings: &'a str,
    events: &'a str,
    target: &'a str,
) -> (NewAlertDestination<'a>, Option<String>) {
    let signing_secret = (checked.kind == DestinationKind::Webhook)
        .then(|| format!("{SIGNING_SECRET_PREFIX}{}", new_token()));
    let (url, secret) = match &checked.target {
        Target::Url(url) => (
            Some(SecretString::from(url.to_string())),
            signing_secret.clone().map(SecretString::from),
        ),
        Target::Smtp { password, .. } => (
            None,
            (!password.is_empty()).then(|| SecretString::from(password.clone())),
        ),
    };
    let new = NewAlertDestination {
        name: &checked.name,
        kind: checked.kind.as_str(),
        target,
        settings,
        url,
        secret,
        events,
    };
    (new, signing_secret)
}

/// The destination, or "not found".
pub(super) async fn destination_row_of(
    services: &ServerServices,
    id: AlertDestinationId,
) -> Result<AlertDestinationRow, AppError> {
    services
        .store
        .find_alert_destination(id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound("the alert destination".into()))
}

/// A destination's write failed: its name is another's, or the store failed.
pub(super) fn name_taken_or_internal(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::invalid("name", "is already the name of another destination")
        }
        other => internal(other),
    }
}

/// What is stored of a checked destination besides its secrets: the SMTP settings as JSON, the
/// events and what the list shows.
pub(super) fn stored_parts(checked: &CheckedDestination) -> (String, String, String) {
    let settings = match &checked.target {
        Target::Smtp { settings, .. } => serde_json::to_string(settings).unwrap_or_default(),
        Target::Url(_) => "{}".to_string(),
    };
    let events: Vec<&str> = checked.events.iter().map(|event| event.as_str()).collect();
    (settings, events.join(","), checked.shown_target())
}

impl ServerServices {
    async fn ensure_room_for_destination(&self) -> Result<(), AppError> {
        if self
            .store
            .count_alert_destinations()
            .await
            .map_err(internal)?
            >= MAX_DESTINATIONS
        {
            let rule =
                format!("at most {MAX_DESTINATIONS} destinations can be kept; remove one first");
            return Err(AppError::invalid("name", &rule));
        }
        Ok(())
    }

    /// A URL whose host is an address the outbound policy refuses is refused now, by field.
    pub(super) async fn ensure_allowed_target(&self, target: &Target) -> Result<(), AppError> {
        if let Target::Url(url) = target {
            self.oauth
                .policy()
                .check_resolved(url)
                .await
                .map_err(|refused| AppError::invalid("url", &refused.to_string()))?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl NotificationServices for ServerServices {
    async fn alert_destinations(&self) -> Result<Vec<DestinationView>, AppError> {
        let rows = self
            .store
            .list_alert_destinations()
            .await
            .map_err(internal)?;
        Ok(rows.iter().map(destination_view).collect())
    }

    async fn create_alert_destination(
        &self,
        admin: &CurrentAdmin,
        draft: &DestinationDraft,
    ) -> Result<CreatedDestination, AppError> {
        let checked = check_destination(draft, self.config.allow_plain_http_oauth)?;
        self.ensure_room_for_destination().await?;
        self.ensure_allowed_target(&checked.target).await?;
        let (settings, events, target) = stored_parts(&checked);
        let (new, signing_secret) = new_destination(&checked, &settings, &events, &target);
        let row = self
            .store
            .insert_alert_destination(&self.keyring, new, &actor_of(admin), now_millis())
            .await
            .map_err(name_taken_or_internal)?;
        Ok(CreatedDestination {
            view: destination_view(&row),
            signing_secret,
        })
    }

    async fn update_alert_destination(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
        draft: &DestinationDraft,
    ) -> Result<DestinationView, AppError> {
        self.edit_alert_destination(admin, id, draft).await
    }

    async fn delete_alert_destination(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
    ) -> Result<(), AppError> {
        self.store
            .delete_alert_destination(id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)?
            .map(|_| ())
            .ok_or_else(|| AppError::NotFound("the alert destination".into()))
    }

    async fn send_test_alert(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
    ) -> Result<TestOutcome, AppError> {
        let destination = destination_row_of(self, id).await?;
        let now = now_millis();
        let alert = Alert {
            event: AlertEvent::Test,
            subject: format!("test:{}", new_token()),
            summary: format!(
                "Test alert to {}, sent by {}",
                destination.name, admin.email
            ),
            detail: "Alerts from Bifrost Integrations reach this destination.".into(),
            connection: None,
            integration: None,
            organization: None,
            path: "/settings/notifications".into(),
        };
        let payload = self.payload_of(&alert, now);
        let queued = QueuedAlert {
            event: AlertEvent::Test.as_str(),
            subject: &alert.subject,
            payload: &payload,
            destinations: &[id],
            quiet_until: None,
        };
        let ids = self
            .store
            .queue_alert(&queued, now)
            .await
            .map_err(internal)?;
        let Some(delivery) = ids.first() else {
            return Err(AppError::Internal);
        };
        let outcome = self.deliver_now(*delivery, now).await.map_err(internal)?;
        Ok(match outcome {
            Some(AttemptOutcome::Delivered) => TestOutcome {
                delivered: true,
                message: "Delivered".into(),
            },
            Some(AttemptOutcome::Retry { error, .. } | AttemptOutcome::GaveUp { error }) => {
                TestOutcome {
                    delivered: false,
                    message: error,
                }
            }
            None => TestOutcome {
                delivered: false,
                message: "queued; another server is sending it".into(),
            },
        })
    }

    async fn alert_deliveries(
        &self,
        destination: Option<AlertDestinationId>,
        page: i64,
    ) -> Result<Paged<DeliveryView>, AppError> {
        let request = PageRequest::new(page, DELIVERIES_PER_PAGE);
        let rows = self
            .store
            .list_deliveries(destination, request)
            .await
            .map_err(internal)?;
        Ok(rows.paged(request, delivery_view))
    }
}
