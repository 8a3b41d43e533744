//! Alert destinations: where alerts go. The URL (Slack's and Teams' carry their credential in
//! it), a webhook's signing secret and an SMTP password are sealed with the row's id; `target`
//! is the part the list may show.

use app::domain::ids::AlertDestinationId;
use secrecy::SecretString;
use sqlx::FromRow;

use super::audit::{name_removed, Actor, AuditRecord, Written};
use super::secrets::EncryptedColumn;
use super::statement::{execute, fetch_all, fetch_one, fetch_optional, fetch_scalar};
use super::{Store, StoreError};
use crate::crypto::Keyring;

pub const ALERT_DESTINATIONS_TABLE: &str = "alert_destinations";
pub const DESTINATION_URL_COLUMN: &str = "url";
pub const DESTINATION_SECRET_COLUMN: &str = "secret";
const URL_COLUMN: EncryptedColumn =
    EncryptedColumn::new(ALERT_DESTINATIONS_TABLE, DESTINATION_URL_COLUMN);
const SECRET_COLUMN: EncryptedColumn =
    EncryptedColumn::new(ALERT_DESTINATIONS_TABLE, DESTINATION_SECRET_COLUMN);

/// The most destinations kept: a handful is usual, and every alert goes to each subscriber.
pub const MAX_DESTINATIONS: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AlertDestinationRow {
    pub id: AlertDestinationId,
    pub name: String,
    pub kind: String,
    pub target: String,
    /// JSON of the kind's plain settings (SMTP host, port, security, user, sender, recipients).
    pub settings: String,
    /// Sealed.
    pub url: Option<String>,
    /// Sealed: a webhook's signing secret, or the SMTP password.
    pub secret: Option<String>,
    /// Comma-separated event names.
    pub events: String,
    pub created_by: String,
    pub created_at: i64,
}

impl AlertDestinationRow {
    pub fn subscribes_to(&self, event: &str) -> bool {
        self.events.split(',').any(|name| name == event)
    }

    /// The sealed URL, opened.
    pub fn open_url(&self, keyring: &Keyring) -> Result<Option<SecretString>, StoreError> {
        self.open(keyring, URL_COLUMN, self.url.as_deref())
    }

    /// The sealed signing secret or password, opened.
    pub fn open_secret(&self, keyring: &Keyring) -> Result<Option<SecretString>, StoreError> {
        self.open(keyring, SECRET_COLUMN, self.secret.as_deref())
    }

    fn open(
        &self,
        keyring: &Keyring,
        column: EncryptedColumn,
        sealed: Option<&str>,
    ) -> Result<Option<SecretString>, StoreError> {
        sealed
            .map(|sealed| keyring.decrypt(column.identity(self.id.get()), sealed))
            .transpose()
            .map_err(StoreError::from)
    }
}

/// A destination to store; the secrets are sealed once the row has its id.
#[derive(Debug)]
pub struct NewAlertDestination<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub target: &'a str,
    pub settings: &'a str,
    pub url: Option<SecretString>,
    pub secret: Option<SecretString>,
    pub events: &'a str,
}

const COLUMNS: &str =
    "id, name, kind, target, settings, url, secret, events, created_by, created_at";

fn record<'a>(
    actor: &'a Actor,
    action: &'static str,
    row: &AlertDestinationRow,
) -> AuditRecord<'a> {
    let changes = serde_json::json!({
        "name": row.name, "kind": row.kind, "target": row.target, "events": row.events,
    });
    AuditRecord::new(
        actor,
        action,
        ("alert destination", row.id, &row.name),
        changes,
    )
}

impl Store {
    pub async fn insert_alert_destination(
        &self,
        keyring: &Keyring,
        new: NewAlertDestination<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<AlertDestinationRow, StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "INSERT INTO alert_destinations (name, kind, target, settings, events, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
            let params = (new.name, new.kind, new.target, new.settings, new.events, &actor.label, now);
            let id: AlertDestinationId = fetch_scalar(&mut *connection, sql, params).await?;
            let url = new.url.as_ref().map(|url| URL_COLUMN.seal(keyring, id.get(), url)).transpose()?;
            let secret = new
                .secret
                .as_ref()
                .map(|secret| SECRET_COLUMN.seal(keyring, id.get(), secret))
                .transpose()?;
            let sql = "UPDATE alert_destinations SET url = $1, secret = $2 WHERE id = $3";
            execute(&mut *connection, sql, (url, secret, id)).await?;
            let sql = format!("SELECT {COLUMNS} FROM alert_destinations WHERE id = $1");
            let row: AlertDestinationRow = fetch_one(&mut *connection, &sql, (id,)).await?;
            let audit = record(actor, "alert_destination.create", &row);
            Ok(Written::changed(row, audit))
        })
        .await
    }

    /// Every destination, by name.
    pub async fn list_alert_destinations(&self) -> Result<Vec<AlertDestinationRow>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM alert_destinations ORDER BY lower(name), id LIMIT $1");
        fetch_all(&self.pool, &sql, (MAX_DESTINATIONS,)).await
    }

    pub async fn count_alert_destinations(&self) -> Result<i64, StoreError> {
        fetch_scalar(&self.pool, "SELECT COUNT(*) FROM alert_destinations", ()).await
    }

    pub async fn find_alert_destination(
        &self,
        id: AlertDestinationId,
    ) -> Result<Option<AlertDestinationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM alert_destinations WHERE id = $1");
        fetch_optional(&self.pool, &sql, (id,)).await
    }

    /// `None` if there is no such destination. Its deliveries go with it.
    pub async fn delete_alert_destination(
        &self,
        id: AlertDestinationId,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<AlertDestinationRow>, StoreError> {
        let sql = format!("DELETE FROM alert_destinations WHERE id = $1 RETURNING {COLUMNS}");
        self.delete_audited(now, &sql, id, |row: &AlertDestinationRow| {
            let mut audit = record(actor, "alert_destination.delete", row);
            audit.changes = name_removed(&row.name);
            audit
        })
        .await
    }
}

/// What the list changes when a destination is edited, for its audit entry.
fn edit_changes(before: &AlertDestinationRow, after: &AlertDestinationRow) -> serde_json::Value {
    let mut changes = serde_json::Map::new();
    for (field, old, new) in [
        ("name", &before.name, &after.name),
        ("target", &before.target, &after.target),
        ("events", &before.events, &after.events),
    ] {
        if old != new {
            changes.insert(field.into(), serde_json::json!({ "from": old, "to": new }));
        }
    }
    serde_json::Value::Object(changes)
}

impl Store {
    /// Writes an edited destination; `None` if there is no such destination. The URL is kept
    /// when `edit.url` is `None`, the secret when `keep_secret` (else set or cleared).
    pub async fn update_alert_destination(
        &self,
        keyring: &Keyring,
        (id, edit, keep_secret): (AlertDestinationId, NewAlertDestination<'_>, bool),
        actor: &Actor,
        now: i64,
    ) -> Result<Option<AlertDestinationRow>, StoreError> {
        self.write_audited(now, async |connection| {
            let select = format!("SELECT {COLUMNS} FROM alert_destinations WHERE id = $1");
            let Some(before) =
                fetch_optional::<AlertDestinationRow>(&mut *connection, &select, (id,)).await?
            else {
                return Ok(Written::unchanged(None));
            };
            let sql = "UPDATE alert_destinations SET name = $1, target = $2, settings = $3, \
                 events = $4, updated_at = $5 WHERE id = $6";
            let params = (edit.name, edit.target, edit.settings, edit.events, now, id);
            execute(&mut *connection, sql, params).await?;
            if let Some(url) = &edit.url {
                let sealed = URL_COLUMN.seal(keyring, id.get(), url)?;
                execute(
                    &mut *connection,
                    "UPDATE alert_destinations SET url = $1 WHERE id = $2",
                    (sealed, id),
                )
                .await?;
            }
            if !keep_secret {
                let sealed = edit
                    .secret
                    .as_ref()
                    .map(|secret| SECRET_COLUMN.seal(keyring, id.get(), secret))
                    .transpose()?;
                execute(
                    &mut *connection,
                    "UPDATE alert_destinations SET secret = $1 WHERE id = $2",
                    (sealed, id),
                )
                .await?;
            }
            let after: AlertDestinationRow = fetch_one(&mut *connection, &select, (id,)).await?;
            let mut audit = record(actor, "alert_destination.update", &after);
            audit.changes = edit_changes(&before, &after);
            Ok(Written::changed(Some(after), audit))
        })
        .await
    }
}
