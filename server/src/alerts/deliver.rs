//! Sending queued alerts: each server claims due deliveries with a lease, sends each to its
//! destination, and records the outcome; a failed attempt is retried with a growing pause
//! until the attempts run out.

use app::domain::ids::AlertDeliveryId;
use app::domain::notifications::DestinationKind;

use super::formats::AlertPayload;
use crate::services::ServerServices;
use crate::store::alert_destinations::AlertDestinationRow;
use crate::store::alert_queue::{AlertDeliveryRow, AttemptOutcome};
use crate::store::StoreError;

/// Attempts at one delivery before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 6;
/// The pause before the first retry; each later one is four times longer (30 s, 2 min, 8 min,
/// 32 min, about 2 hours).
pub const FIRST_RETRY_MS: i64 = 30_000;
/// Long enough for one attempt (the HTTP and SMTP timeouts) with room to record it.
const DELIVERY_LEASE_MS: i64 = 90_000;
/// Deliveries claimed at once by one server.
const BATCH: i64 = 20;

/// The pause after the `attempts`-th failed attempt.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    FIRST_RETRY_MS.saturating_mul(4_i64.pow(exponent))
}

/// How an attempt that ended with `result` leaves the delivery.
pub fn outcome_of(result: Result<(), String>, attempts: i64, now: i64) -> AttemptOutcome {
    match result {
        Ok(()) => AttemptOutcome::Delivered,
        Err(error) if attempts >= MAX_ATTEMPTS => AttemptOutcome::GaveUp { error },
        Err(error) => AttemptOutcome::Retry {
            error,
            retry_at: now + retry_delay_ms(attempts),
        },
    }
}

impl ServerServices {
    /// Sends every delivery due at `now` that this server can claim; how many it attempted.
    pub async fn deliver_due_alerts(&self, now: i64) -> Result<usize, StoreError> {
        let mut attempted = 0;
        loop {
            let lease = (now, now + DELIVERY_LEASE_MS);
            let claimed = self
                .store
                .claim_due_deliveries(&self.instance_id, lease, BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(attempted);
            }
            for delivery in &claimed {
                self.attempt_delivery(delivery, now).await?;
                attempted += 1;
            }
        }
    }

    /// Sends one claimed delivery and records how it went.
    pub(crate) async fn attempt_delivery(
        &self,
        delivery: &AlertDeliveryRow,
        now: i64,
    ) -> Result<AttemptOutcome, StoreError> {
        let result = match self
            .store
            .find_alert_destination(delivery.destination_id)
            .await?
        {
            Some(destination) => self.send_alert(&destination, delivery).await,
            None => Err("the destination was removed".to_string()),
        };
        if let Err(error) = &result {
            tracing::warn!(delivery = delivery.id.get(), %error, "an alert could not be delivered");
        }
        let outcome = outcome_of(result, delivery.attempts, now);
        let recorded = self
            .store
            .finish_attempt(delivery.id, &self.instance_id, &outcome, now)
            .await?;
        if !recorded {
            tracing::warn!(
                delivery = delivery.id.get(),
                "the delivery's lease ran out while it was sent"
            );
        }
        Ok(outcome)
    }

    /// Sends the delivery's alert in the destination's format; the error is safe to show (never
    /// the URL, which may hold a credential, or a secret).
    async fn send_alert(
        &self,
        destination: &AlertDestinationRow,
        delivery: &AlertDeliveryRow,
    ) -> Result<(), String> {
        let mut payload: AlertPayload = serde_json::from_str(&delivery.payload)
            .map_err(|_| "the queued alert is unreadable".to_string())?;
        payload.id = delivery.id.get();
        let unreadable = |_| "the destination's sealed settings are unreadable".to_string();
        match DestinationKind::parse(&destination.kind) {
            Some(DestinationKind::Email) => {
                let password = destination.open_secret(&self.keyring).map_err(unreadable)?;
                self.send_email_alert(destination, password, &payload).await
            }
            Some(kind) => {
                let url = destination.open_url(&self.keyring).map_err(unreadable)?;
                let secret = destination.open_secret(&self.keyring).map_err(unreadable)?;
                let url = url.ok_or_else(|| "the destination has no URL".to_string())?;
                self.send_webhook_alert(kind, (&url, secret.as_ref()), &payload)
                    .await
            }
            None => Err(format!("unknown destination kind {:?}", destination.kind)),
        }
    }

    /// Claims the one delivery (a "Send test") and attempts it now.
    pub(crate) async fn deliver_now(
        &self,
        id: AlertDeliveryId,
        now: i64,
    ) -> Result<Option<AttemptOutcome>, StoreError> {
        let lease = (now, now + DELIVERY_LEASE_MS);
        match self
            .store
            .claim_delivery(id, &self.instance_id, lease)
            .await?
        {
            Some(delivery) => self.attempt_delivery(&delivery, now).await.map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_four_times_longer_each_time_until_the_attempts_run_out() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 120_000);
        assert_eq!(retry_delay_ms(5), 7_680_000);
        assert_eq!(
            outcome_of(Err("503".into()), 1, 1_000),
            AttemptOutcome::Retry {
                error: "503".into(),
                retry_at: 31_000
            }
        );
        assert_eq!(
            outcome_of(Err("503".into()), MAX_ATTEMPTS, 1_000),
            AttemptOutcome::GaveUp {
                error: "503".into()
            }
        );
        assert_eq!(
            outcome_of(Ok(()), MAX_ATTEMPTS, 1_000),
            AttemptOutcome::Delivered
        );
    }
}
