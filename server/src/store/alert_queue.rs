//! The alert queue: deliveries kept in the store until sent (so a restart loses none), claimed
//! one server at a time with a lease, retried at a time the sender sets, and the windows that
//! keep one event about one subject from being queued again too soon.

use app::domain::ids::{AlertDeliveryId, AlertDestinationId};
use app::domain::paging::PageRequest;
use sqlx::FromRow;

use super::statement::{execute, fetch_one, fetch_scalars};
use super::{Page, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AlertDeliveryRow {
    pub id: AlertDeliveryId,
    pub destination_id: AlertDestinationId,
    pub destination_name: String,
    pub event: String,
    pub subject: String,
    /// The alert as JSON, the same for every destination.
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// One event about one subject, queued for each destination in `destinations`.
#[derive(Debug, Clone)]
pub struct QueuedAlert<'a> {
    pub event: &'a str,
    pub subject: &'a str,
    pub payload: &'a str,
    pub destinations: &'a [AlertDestinationId],
    /// Not queued again for this subject and event before this time; `None` for no window.
    pub quiet_until: Option<i64>,
}

/// How an attempt ended, as the sender decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Tried again at `retry_at`.
    Retry {
        error: String,
        retry_at: i64,
    },
    /// No attempt is left.
    GaveUp {
        error: String,
    },
}

const SELECT_DELIVERIES: &str = "SELECT d.id, d.destination_id, t.name AS destination_name, \
     d.event, d.subject, d.payload, d.status, d.attempts, d.next_attempt_at, d.last_error, \
     d.created_at, d.finished_at FROM alert_deliveries d \
     JOIN alert_destinations t ON t.id = d.destination_id";

impl Store {
    /// Queues the alert for its destinations, unless the event's window for the subject is still
    /// open (another server may have just queued it). The ids queued; none inside the window.
    pub async fn queue_alert(
        &self,
        alert: &QueuedAlert<'_>,
        now: i64,
    ) -> Result<Vec<AlertDeliveryId>, StoreError> {
        let mut transaction = self.begin_write().await?;
        if let Some(until) = alert.quiet_until {
            // Inserted, or the old window moved on when it had ended; 0 rows while it is open.
            // PostgreSQL re-checks the WHERE after waiting for a concurrent claim to commit.
            let sql =
                "INSERT INTO alert_windows (event, subject, window_until) VALUES ($1, $2, $3) \
                 ON CONFLICT (event, subject) DO UPDATE SET window_until = $3 \
                 WHERE alert_windows.window_until <= $4";
            let claimed = execute(
                &mut *transaction,
                sql,
                (alert.event, alert.subject, until, now),
            )
            .await?;
            if claimed == 0 {
                return Ok(Vec::new());
            }
        }
        let mut queued = Vec::with_capacity(alert.destinations.len());
        for destination in alert.destinations {
            let sql = "INSERT INTO alert_deliveries (destination_id, event, subject, payload, \
                 next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
            let params = (*destination, alert.event, alert.subject, alert.payload, now);
            let row: (AlertDeliveryId,) = fetch_one(&mut *transaction, sql, params).await?;
            queued.push(row.0);
        }
        transaction.commit().await?;
        Ok(queued)
    }

    /// Leases up to `limit` deliveries that are due, for `owner` until `lease_until`, counting
    /// the attempt. A delivery is held by one server at a time: each is taken by a conditional
    /// update, which one server wins.
    pub async fn claim_due_deliveries(
        &self,
        owner: &str,
        (now, lease_until): (i64, i64),
        limit: i64,
    ) -> Result<Vec<AlertDeliveryRow>, StoreError> {
        let sql =
            "SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
             AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2";
        let due: Vec<AlertDeliveryId> = fetch_scalars(&self.pool, sql, (now, limit)).await?;
        let mut claimed = Vec::with_capacity(due.len());
        for id in due {
            if let Some(delivery) = self.claim_delivery(id, owner, (now, lease_until)).await? {
                claimed.push(delivery);
            }
        }
        Ok(claimed)
    }

    /// Leases the delivery if it is due and no server holds it; `None` when another server
    /// won it (or it is not due).
    pub async fn claim_delivery(
        &self,
        id: AlertDeliveryId,
        owner: &str,
        (now, lease_until): (i64, i64),
    ) -> Result<Option<AlertDeliveryRow>, StoreError> {
        let sql = "UPDATE alert_deliveries SET lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1 WHERE id = $3 AND status = 'pending' \
             AND next_attempt_at <= $4 AND (lease_until IS NULL OR lease_until < $4)";
        if execute(&self.pool, sql, (owner, lease_until, id, now)).await? == 1 {
            return self.find_delivery(id).await.map(Some);
        }
        Ok(None)
    }

    async fn find_delivery(&self, id: AlertDeliveryId) -> Result<AlertDeliveryRow, StoreError> {
        let sql = format!("{SELECT_DELIVERIES} WHERE d.id = $1");
        fetch_one(&self.pool, &sql, (id,)).await
    }

    /// Records how an attempt ended and releases the lease, if `owner` still holds it; `false`
    /// when it does not (the lease ran out and another server took the delivery).
    pub async fn finish_attempt(
        &self,
        id: AlertDeliveryId,
        owner: &str,
        outcome: &AttemptOutcome,
        now: i64,
    ) -> Result<bool, StoreError> {
        let held = "id = $1 AND lease_owner = $2 AND status = 'pending'";
        let changed = match outcome {
            AttemptOutcome::Delivered => {
                let sql = format!(
                    "UPDATE alert_deliveries SET status = 'delivered', last_error = '', \
                     finished_at = $3, lease_owner = NULL, lease_until = NULL WHERE {held}"
                );
                execute(&self.pool, &sql, (id, owner, now)).await?
            }
            AttemptOutcome::Retry { error, retry_at } => {
                let sql = format!(
                    "UPDATE alert_deliveries SET last_error = $3, next_attempt_at = $4, \
                     lease_owner = NULL, lease_until = NULL WHERE {held}"
                );
                execute(&self.pool, &sql, (id, owner, error, *retry_at)).await?
            }
            AttemptOutcome::GaveUp { error } => {
                let sql = format!(
                    "UPDATE alert_deliveries SET status = 'failed', last_error = $3, \
                     finished_at = $4, lease_owner = NULL, lease_until = NULL WHERE {held}"
                );
                execute(&self.pool, &sql, (id, owner, error, now)).await?
            }
        };
        Ok(changed == 1)
    }

    /// One page of deliveries, newest first, optionally of one destination.
    pub async fn list_deliveries(
        &self,
        destination: Option<AlertDestinationId>,
        request: PageRequest,
    ) -> Result<Page<AlertDeliveryRow>, StoreError> {
        let filter = "($1 IS NULL OR d.destination_id = $1)";
        let count = format!("SELECT COUNT(*) FROM alert_deliveries d WHERE {filter}");
        let rows =
            format!("{SELECT_DELIVERIES} WHERE {filter} ORDER BY d.id DESC LIMIT $2 OFFSET $3");
        self.fetch_page(
            (&count, &rows),
            (destination,),
            (request.per_page, request.offset()),
        )
        .await
    }

    /// Removes deliveries that finished before `before`: the list keeps recent history only.
    pub async fn sweep_alert_deliveries(&self, before: i64) -> Result<u64, StoreError> {
        let sql = "DELETE FROM alert_deliveries WHERE status <> 'pending' AND finished_at < $1";
        execute(&self.pool, sql, (before,)).await
    }

    /// Ends windows that closed long ago, so the table holds only recent events.
    pub async fn sweep_alert_windows(&self, before: i64) -> Result<u64, StoreError> {
        execute(
            &self.pool,
            "DELETE FROM alert_windows WHERE window_until < $1",
            (before,),
        )
        .await
    }
}

/// What an alert about a token calls it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TokenNames {
    pub connection: String,
    pub organization: Option<String>,
}

impl Store {
    pub async fn token_names(
        &self,
        id: app::domain::ids::TokenId,
    ) -> Result<Option<TokenNames>, StoreError> {
        let sql = "SELECT c.name AS connection, o.name AS organization FROM oauth_tokens t \
             JOIN oauth_connections c ON c.id = t.connection_id \
             LEFT JOIN organizations o ON o.id = t.organization_id WHERE t.id = $1";
        super::statement::fetch_optional(&self.pool, sql, (id,)).await
    }
}

/// A connection whose client secret expires soon.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ExpiringSecret {
    pub id: app::domain::ids::ConnectionId,
    pub name: String,
    pub client_secret_expires_at: i64,
}

impl Store {
    /// Connections whose client secret's last day starts before `before`, soonest first.
    pub async fn client_secrets_expiring(
        &self,
        before: i64,
    ) -> Result<Vec<ExpiringSecret>, StoreError> {
        let sql = "SELECT id, name, client_secret_expires_at FROM oauth_connections \
             WHERE client_secret_expires_at IS NOT NULL AND client_secret_expires_at < $1 \
             ORDER BY client_secret_expires_at, id";
        super::statement::fetch_all(&self.pool, sql, (before,)).await
    }
}
