//! OAuth connections (Settings > OAuth Connections): the `OAuthServices` port, the view of a
//! connection and its audit entries. The rules a draft must pass are in `connection_rules`.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::ConnectionId;
use app::domain::oauth::{GrantType, OAuthConnectionDraft, OAuthConnectionView};
use app::error::AppError;
use app::ssr::OAuthServices;
use serde_json::{json, Map, Value};

use super::connection_rules::check_draft;
use crate::services::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::integrations::IntegrationRow;
use crate::store::oauth_connections::{OAuthConnectionFields, OAuthConnectionRow, SecretWrite};
use crate::store::StoreError;
use crate::time::now_millis;

fn not_found() -> AppError {
    AppError::NotFound("the OAuth connection".to_string())
}

fn name_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::invalid("name", "an OAuth connection with this name already exists")
        }
        other => internal(other),
    }
}

/// A setting's name, its value before (none for a new connection) and after.
type SettingChange<'a> = (&'static str, Option<&'a str>, &'a str);

fn setting_changes<'a>(
    before: Option<&'a OAuthConnectionRow>,
    after: &'a OAuthConnectionFields,
) -> [SettingChange<'a>; 11] {
    let on_off = |on: bool| if on { "on" } else { "off" };
    let old = |column: fn(&OAuthConnectionRow) -> &str| before.map(column);
    [
        ("name", old(|r| &r.name), &after.name),
        ("grant_type", old(|r| &r.grant_type), after.grant_type),
        (
            "authorization_url",
            old(|r| &r.authorization_url),
            &after.authorization_url,
        ),
        ("token_url", old(|r| &r.token_url), &after.token_url),
        ("client_id", old(|r| &r.client_id), &after.client_id),
        ("scopes", old(|r| &r.scopes), &after.scopes),
        ("pkce", before.map(|r| on_off(r.pkce)), on_off(after.pkce)),
        (
            "extra_parameters",
            old(|r| &r.extra_parameters),
            &after.extra_parameters,
        ),
        ("audience", old(|r| &r.audience), &after.audience),
        (
            "entity_id_source",
            old(|r| &r.entity_id_source),
            &after.entity_id_source,
        ),
        (
            "revocation_url",
            old(|r| &r.revocation_url),
            &after.revocation_url,
        ),
    ]
}

/// The audit entry's changed settings; the secret appears only as set or cleared.
pub(crate) fn audit_changes(
    before: Option<&OAuthConnectionRow>,
    after: &OAuthConnectionFields,
    secret: &SecretWrite,
) -> Value {
    let mut changes = Map::new();
    for (field, old, new) in setting_changes(before, after) {
        if old != Some(new) && !(old.is_none() && (new.is_empty() || new == "[]")) {
            changes.insert(field.to_string(), change(old, Some(new)));
        }
    }
    let was_set = before
        .is_some_and(|row| row.client_secret.is_some())
        .then_some("(secret set)");
    let secret_change = match secret {
        SecretWrite::Set(_) => Some(json!({ "from": was_set, "to": "(secret set)" })),
        SecretWrite::Clear if was_set.is_some() => Some(json!({ "from": was_set, "to": null })),
        SecretWrite::Keep | SecretWrite::Clear => None,
    };
    if let Some(secret_change) = secret_change {
        changes.insert("client_secret".into(), secret_change);
    }
    let expiry_before = before.and_then(|row| row.client_secret_expires_at);
    if expiry_before != after.client_secret_expires_at {
        let date = |at: Option<i64>| at.map(app::domain::time::format_date);
        changes.insert(
            "client_secret_expires_on".into(),
            json!({ "from": date(expiry_before), "to": date(after.client_secret_expires_at) }),
        );
    }
    Value::Object(changes)
}

impl ServerServices {
    pub(crate) fn connection_view(&self, row: OAuthConnectionRow) -> OAuthConnectionView {
        let extra_parameters: Vec<(String, String)> =
            serde_json::from_str(&row.extra_parameters).unwrap_or_default();
        OAuthConnectionView {
            redirect_uri: self.redirect_uri(&row.name),
            id: row.id,
            name: row.name,
            // The column's CHECK constraint admits only the two grants.
            grant_type: GrantType::parse(&row.grant_type).unwrap_or_default(),
            authorization_url: row.authorization_url,
            token_url: row.token_url,
            client_id: row.client_id,
            client_secret_set: row.client_secret.is_some(),
            scopes: row
                .scopes
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            pkce: row.pkce,
            extra_parameters,
            audience: row.audience,
            revocation_url: row.revocation_url,
            entity_id_source: row.entity_id_source,
            client_secret_expires_at: row.client_secret_expires_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }

    /// Whether the integration's linked connection asks for consent in a browser (the
    /// authorization code grant); `false` without a connection.
    pub(crate) async fn consents_in_browser(
        &self,
        integration: &IntegrationRow,
    ) -> Result<bool, AppError> {
        let connection = match integration.oauth_connection_id {
            Some(id) => self
                .store
                .find_oauth_connection(id)
                .await
                .map_err(internal)?,
            None => None,
        };
        Ok(connection.is_some_and(|row| row.grant_type == GrantType::AuthorizationCode.as_str()))
    }
}

#[async_trait::async_trait]
impl OAuthServices for ServerServices {
    async fn oauth_connections(&self) -> Result<Vec<OAuthConnectionView>, AppError> {
        let rows = self
            .store
            .list_oauth_connections()
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|row| self.connection_view(row))
            .collect())
    }

    async fn oauth_connection(&self, id: ConnectionId) -> Result<OAuthConnectionView, AppError> {
        let row = self
            .store
            .find_oauth_connection(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        Ok(self.connection_view(row))
    }

    async fn create_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError> {
        let (fields, secret) = check_draft(draft, self.config.allow_plain_http_oauth)?;
        let changes = audit_changes(None, &fields, &secret);
        let row = self
            .store
            .create_oauth_connection(
                &self.keyring,
                &fields,
                &secret,
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(name_taken)?;
        Ok(self.connection_view(row))
    }

    async fn update_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: ConnectionId,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError> {
        let (fields, secret) = check_draft(draft, self.config.allow_plain_http_oauth)?;
        let before = self
            .store
            .find_oauth_connection(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        let moved_to = new_host(&before, &fields);
        if let (Some(host), SecretWrite::Keep, Some(_)) =
            (&moved_to, &secret, &before.client_secret)
        {
            return Err(AppError::invalid(
                "client_secret",
                &format!(
                    "enter the client secret again: the token or revocation URL now points at {host}, \
                     and the stored secret is sent only to the host it was entered for"
                ),
            ));
        }
        let tokens_moved = moved_to.as_ref().map(|host| {
            format!("the connection's token or revocation URL moved to {host}; connect again")
        });
        let changes = audit_changes(Some(&before), &fields, &secret);
        let row = self
            .store
            .update_oauth_connection(
                &self.keyring,
                id,
                draft.opened_at_version.unwrap_or(before.version),
                &fields,
                &secret,
                tokens_moved.as_deref(),
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Stale => AppError::Conflict(
                    "This OAuth connection was changed by someone else after you opened it; reload the page to see the changes, then edit again."
                        .to_string(),
                ),
                other => name_taken(other),
            })?
            .ok_or_else(not_found)?;
        Ok(self.connection_view(row))
    }

    /// Deletes the connection with its tokens, then revokes those at the provider.
    async fn delete_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: ConnectionId,
    ) -> Result<(), AppError> {
        let actor = actor_of(admin);
        let tokens = self
            .store
            .oauth_tokens_held(Some(id), None)
            .await
            .map_err(internal)?;
        let connection = self
            .store
            .delete_oauth_connection(id, &actor, now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        for token in &tokens {
            self.revoke_quietly(&actor, &connection, token).await;
        }
        Ok(())
    }
}

/// The host the saved token or revocation URL reaches that the stored secret and tokens were
/// not sent to before; `None` when every host stays the same. Ports are not compared: the
/// host's operator owns them all.
fn new_host(before: &OAuthConnectionRow, after: &OAuthConnectionFields) -> Option<String> {
    let host = |url: &str| {
        url::Url::parse(&url.replace("{entity_id}", "x"))
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
    };
    let known: Vec<_> = [&before.token_url, &before.revocation_url]
        .into_iter()
        .filter_map(|url| host(url))
        .collect();
    [&after.token_url, &after.revocation_url]
        .into_iter()
        .filter_map(|url| host(url))
        .find(|target| !known.contains(target))
}
