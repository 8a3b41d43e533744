//! The alert sender's loop: deliveries are sent as soon as they are queued on this server, and
//! every few seconds whatever another server queued or a retry made due; once an hour, expiring
//! client secrets are looked for, and old de-duplication windows and deliveries removed.

use std::sync::Arc;
use std::time::Duration;

use crate::services::ServerServices;
use crate::time::now_millis;

/// How often due deliveries are looked for without a wake-up.
const POLL: Duration = Duration::from_secs(5);
const HOUR: Duration = Duration::from_secs(60 * 60);
/// Finished deliveries stay listed this long.
pub const DELIVERIES_KEPT_DAYS: i64 = 90;

impl ServerServices {
    /// Runs for the server's life.
    pub async fn send_alerts_continuously(self: Arc<Self>) {
        let mut every_hour = tokio::time::interval(HOUR);
        every_hour.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = self.alert_wakeup.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = every_hour.tick() => self.hourly_alert_upkeep().await,
            }
            if let Err(error) = self.deliver_due_alerts(now_millis()).await {
                tracing::warn!(%error, "sending alerts failed");
            }
        }
    }

    async fn hourly_alert_upkeep(&self) {
        let now = now_millis();
        if let Err(error) = self.raise_client_secret_alerts(now).await {
            tracing::warn!(%error, "looking for expiring client secrets failed");
        }
        // Windows are at most a week long; a day more keeps them comfortably.
        let before = now - 8 * 24 * 60 * 60 * 1000;
        if let Err(error) = self.store.sweep_alert_windows(before).await {
            tracing::warn!(%error, "removing old alert windows failed");
        }
        let kept_from = now - DELIVERIES_KEPT_DAYS * 24 * 60 * 60 * 1000;
        if let Err(error) = self.store.sweep_alert_deliveries(kept_from).await {
            tracing::warn!(%error, "removing old alert deliveries failed");
        }
    }
}
