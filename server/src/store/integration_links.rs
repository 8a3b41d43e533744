//! A new integration's link to its OAuth connection: none, an existing connection, or one
//! configured inline on Create Integration and written in the same transaction.

use app::domain::ids::ConnectionId;
use serde_json::Value;
use sqlx::AnyConnection;

use super::audit::{insert_audit, Actor, Written};
use super::integrations::{
    integration_record, write_fields, FieldPlan, IntegrationDetails, IntegrationRow, COLUMNS,
};
use super::oauth_connections::{
    insert_connection, record as connection_record, OAuthConnectionFields, SecretWrite,
    CREATE_ACTION,
};
use super::{Store, StoreError};
use crate::crypto::Keyring;

/// The OAuth connection a new integration is linked to.
#[derive(Debug, Clone, Copy)]
pub enum ConnectionLink<'a> {
    None,
    Existing(ConnectionId),
    New(NewConnection<'a>),
}

/// A connection configured inline on Create Integration, with its audit entry's changes.
#[derive(Debug, Clone, Copy)]
pub struct NewConnection<'a> {
    pub keyring: &'a Keyring,
    pub fields: &'a OAuthConnectionFields,
    pub secret: &'a SecretWrite,
    pub changes: &'a Value,
}

/// Writes the inline connection and its audit entry; its id.
async fn insert_linked_connection(
    connection: &mut AnyConnection,
    new: NewConnection<'_>,
    actor: &Actor,
    now: i64,
) -> Result<ConnectionId, StoreError> {
    let row = insert_connection(&mut *connection, new.keyring, new.fields, new.secret, now).await?;
    let record = connection_record(actor, CREATE_ACTION, &row, new.changes.clone());
    insert_audit(connection, &record, now).await?;
    Ok(row.id)
}

impl Store {
    /// Creates an integration with its fields, linked to an OAuth connection: an existing one,
    /// or a new one written in the same transaction, so that both are made or neither. A name
    /// taken in any case (the integration's or the new connection's) is a `Conflict`.
    pub async fn create_integration_linked(
        &self,
        details: &IntegrationDetails,
        fields: &[FieldPlan],
        link: ConnectionLink<'_>,
        audit: (&Actor, Value),
        now: i64,
    ) -> Result<IntegrationRow, StoreError> {
        self.write_audited(now, async |connection| {
            let connection_id = match link {
                ConnectionLink::None => None,
                ConnectionLink::Existing(id) => Some(id),
                ConnectionLink::New(new) => {
                    Some(insert_linked_connection(&mut *connection, new, audit.0, now).await?)
                }
            };
            let sql = format!(
                "INSERT INTO integrations (name, name_key, description, entity_id_name, default_entity_id, \
                 oauth_connection_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                 RETURNING {COLUMNS}"
            );
            let row: IntegrationRow = sqlx::query_as(&sql)
                .bind(&details.name)
                .bind(details.name.to_lowercase())
                .bind(&details.description)
                .bind(&details.entity_id_name)
                .bind(&details.default_entity_id)
                .bind(connection_id)
                .bind(now)
                .fetch_one(&mut *connection)
                .await?;
            write_fields(&mut *connection, row.id, fields).await?;
            let record = integration_record(audit.0, "integration.create", &row, audit.1);
            Ok(Written::changed(row, record))
        })
        .await
    }
}
