//! What the OAuth tab and the Mappings tab show and do with tokens: status, Refresh now,
//! Disconnect (with revocation), linking a mapping to an organization's token, and Test
//! Connection.

use std::time::Instant;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{parse_text, FieldType, MAX_ENTITY_TEXT_CHARS};
use app::domain::oauth::{ConnectionTestResult, GrantType, IntegrationOAuthView, OAuthTokenView};
use app::error::AppError;
use app::ssr::OAuthTokenServices;
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use super::oauth_tokens::token_view;
use super::{actor_of, internal, ServerServices};
use crate::oauth::client::{ApiCallError, RevocableToken};
use crate::store::audit::{change, Actor};
use crate::store::mappings::{MappingAudit, MappingColumn};
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_tokens::{
    token_identity, OAuthTokenRow, ACCESS_TOKEN_COLUMN, REFRESH_TOKEN_COLUMN,
};
use crate::store::StoreError;
use crate::time::now_millis;

/// How much of a Test Connection answer is shown.
const BODY_EXCERPT_CHARS: usize = 2000;
const MAX_TEST_PATH_CHARS: usize = 500;

/// At most 64 KB of a response body: enough for the excerpt, bounded whatever the API sends.
async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    const CAP: usize = 64 * 1024;
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= CAP {
            body.truncate(CAP);
            break;
        }
    }
    body
}

/// A mapping write that found the mapping changed since it was read.
fn mapping_changed_meanwhile(error: StoreError) -> AppError {
    match error {
        StoreError::Stale => AppError::Conflict(
            "This mapping was changed by someone else meanwhile; reload the page and try again."
                .to_string(),
        ),
        other => internal(other),
    }
}

fn token_not_found() -> AppError {
    AppError::NotFound("the OAuth token".into())
}

impl ServerServices {
    /// The token, if it belongs to the connection linked to the integration.
    async fn token_of_integration(
        &self,
        integration_id: i64,
        token_id: i64,
    ) -> Result<OAuthTokenRow, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let token = self
            .store
            .find_oauth_token(token_id)
            .await
            .map_err(internal)?
            .ok_or_else(token_not_found)?;
        if integration.oauth_connection_id != Some(token.connection_id) {
            return Err(token_not_found());
        }
        Ok(token)
    }

    /// Asks the provider to revoke the token's refresh (else access) token, when its connection
    /// has a revocation URL, and records the outcome in the audit log. Best effort: a failure
    /// is logged and audited and stops nothing.
    pub(super) async fn revoke_quietly(
        &self,
        actor: &Actor,
        connection: &OAuthConnectionRow,
        row: &OAuthTokenRow,
    ) {
        let Some(outcome) = self.revoke_at_provider(connection, row).await else {
            return;
        };
        let text = match &outcome {
            Ok(()) => "revoked at the provider".to_string(),
            Err(error) => {
                tracing::warn!(token = row.id, %error, "revoking an OAuth token failed");
                format!("failed: {error}")
            }
        };
        if let Err(error) = self
            .store
            .audit_revocation(actor, row, &text, now_millis())
            .await
        {
            tracing::warn!(token = row.id, %error, "recording a revocation failed");
        }
    }

    /// Revokes each token of the rows with its own connection: for an organization's tokens,
    /// which may belong to several connections.
    pub(super) async fn revoke_each_quietly(&self, actor: &Actor, rows: &[OAuthTokenRow]) {
        for row in rows {
            if let Ok(Some(connection)) = self.store.find_oauth_connection(row.connection_id).await
            {
                self.revoke_quietly(actor, &connection, row).await;
            }
        }
    }

    /// `None` when there is nothing to revoke or nowhere to revoke it.
    async fn revoke_at_provider(
        &self,
        connection: &OAuthConnectionRow,
        row: &OAuthTokenRow,
    ) -> Option<Result<(), String>> {
        if connection.revocation_url.is_empty() {
            return None;
        }
        let (sealed, column) = match (&row.refresh_token, &row.access_token) {
            (Some(refresh), _) => (refresh, REFRESH_TOKEN_COLUMN),
            (None, Some(access)) => (access, ACCESS_TOKEN_COLUMN),
            (None, None) => return None,
        };
        let settings = match self.provider_settings(connection, &row.entity_id) {
            Ok(settings) => settings,
            Err(error) => return Some(Err(error.to_string())),
        };
        let secret = match self.keyring.decrypt(token_identity(row.id, column), sealed) {
            Ok(secret) => secret,
            Err(_) => return Some(Err("the stored token could not be opened".to_string())),
        };
        let token = if column == REFRESH_TOKEN_COLUMN {
            RevocableToken::Refresh(&secret)
        } else {
            RevocableToken::Access(&secret)
        };
        Some(
            self.oauth
                .revoke(&settings, token)
                .await
                .map_err(|error| error.to_string()),
        )
    }

    /// `base_url` + `path`, checked, with the scope's secret values (to blank in what is shown).
    async fn test_url(
        &self,
        integration_name: &str,
        organization_id: Option<i64>,
        path: &str,
    ) -> Result<(String, Vec<String>), AppError> {
        let path = path.trim();
        if path.chars().count() > MAX_TEST_PATH_CHARS || path.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "path",
                &format!("must be at most {MAX_TEST_PATH_CHARS} characters on one line"),
            ));
        }
        if path.contains("://") {
            return Err(AppError::invalid(
                "path",
                "is a path under base_url, such as /api/customers",
            ));
        }
        let merged = self
            .merged_config(integration_name, organization_id)
            .await?;
        let fields = self.fields_of(merged.integration.id).await?;
        let is_secret = |key: &str| {
            fields.iter().any(|field| {
                field.field_key == key && field.field_type == FieldType::Secret.as_str()
            })
        };
        if is_secret("base_url") {
            return Err(AppError::invalid(
                "path",
                "cannot use base_url: it is a secret field, and a secret is never sent as a URL or shown in one; make base_url a string field",
            ));
        }
        let secrets: Vec<String> = merged
            .config
            .iter()
            .filter(|(key, _)| is_secret(key))
            .filter_map(|(_, value)| value.as_str().filter(|text| !text.is_empty()))
            .map(str::to_string)
            .collect();
        let Some(Value::String(base_url)) = merged.config.get("base_url") else {
            return Err(AppError::invalid(
                "path",
                "needs a base_url value: add a base_url field and set it on the Configuration tab",
            ));
        };
        let url = format!(
            "{}/{}",
            base_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        match url::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok((url, secrets)),
            _ => Err(AppError::invalid(
                "path",
                "base_url and the path do not make an http(s) URL",
            )),
        }
    }
}

#[async_trait::async_trait]
impl OAuthTokenServices for ServerServices {
    async fn integration_oauth(
        &self,
        integration_id: i64,
    ) -> Result<Option<IntegrationOAuthView>, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let Some(connection_id) = integration.oauth_connection_id else {
            return Ok(None);
        };
        let Some(connection) = self
            .store
            .find_oauth_connection(connection_id)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let client_credentials = connection.grant_type == GrantType::ClientCredentials.as_str();
        let rows = self
            .store
            .list_oauth_tokens(connection_id)
            .await
            .map_err(internal)?;
        let mut shared = None;
        let mut organization_tokens = Vec::new();
        for row in rows {
            let view = token_view(&row.token, row.organization_name, client_credentials);
            if row.token.organization_id.is_none() {
                shared = Some(view);
            } else {
                organization_tokens.push(view);
            }
        }
        Ok(Some(IntegrationOAuthView {
            connection: self.connection_view(connection),
            shared,
            organization_tokens,
        }))
    }

    async fn start_oauth_connect(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        integration_id: i64,
        mapping_id: Option<i64>,
    ) -> Result<String, AppError> {
        self.start_connect(admin, session_token, integration_id, mapping_id)
            .await
    }

    async fn refresh_oauth_token(
        &self,
        _admin: &CurrentAdmin,
        integration_id: i64,
        token_id: i64,
    ) -> Result<OAuthTokenView, AppError> {
        self.token_of_integration(integration_id, token_id).await?;
        // A margin longer than any lifetime: refresh now, whatever the expiry.
        self.fresh_token(token_id, i64::MAX / 4)
            .await
            .map_err(AppError::from)?;
        let row = self.token_of_integration(integration_id, token_id).await?;
        let grant_type = self
            .store
            .find_oauth_connection(row.connection_id)
            .await
            .map_err(internal)?
            .map(|c| c.grant_type);
        Ok(token_view(
            &row,
            None,
            grant_type.as_deref() == Some(GrantType::ClientCredentials.as_str()),
        ))
    }

    async fn disconnect_oauth_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        token_id: i64,
    ) -> Result<(), AppError> {
        self.token_of_integration(integration_id, token_id).await?;
        let actor = actor_of(admin);
        let before = self
            .store
            .disconnect_oauth_token(token_id, &actor, now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(token_not_found)?;
        self.revoke_each_quietly(&actor, std::slice::from_ref(&before))
            .await;
        Ok(())
    }

    async fn link_mapping_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
        token_id: Option<i64>,
    ) -> Result<(), AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let mapping = self
            .store
            .find_mapping(integration_id, mapping_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the mapping".into()))?;
        if let Some(token_id) = token_id {
            let token = self.token_of_integration(integration_id, token_id).await?;
            if token.organization_id != Some(mapping.organization_id) {
                return Err(AppError::invalid(
                    "oauth_token",
                    &format!("must be a token of {}", mapping.organization_name),
                ));
            }
        }
        let actor = actor_of(admin);
        let changes = json!({
            "oauth_token": change(
                mapping.oauth_token_id.map(|id| id.to_string()).as_deref(),
                token_id.map(|id| id.to_string()).as_deref(),
            )
        });
        let audit = MappingAudit {
            actor: &actor,
            integration_name: &integration.name,
            changes,
        };
        self.store
            .set_mapping_column(
                &mapping,
                audit,
                MappingColumn::OAuthToken(token_id),
                now_millis(),
            )
            .await
            .map_err(mapping_changed_meanwhile)
    }

    async fn adopt_detected_entity_id(
        &self,
        admin: &CurrentAdmin,
        integration_id: i64,
        mapping_id: i64,
    ) -> Result<(), AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let mapping = self
            .store
            .find_mapping(integration_id, mapping_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the mapping".into()))?;
        let nothing = || AppError::Conflict("the provider reported no other entity ID".into());
        let token_id = mapping.oauth_token_id.ok_or_else(nothing)?;
        let token = self.token_of_integration(integration_id, token_id).await?;
        if token.organization_id != Some(mapping.organization_id)
            || token.detected_entity_id.is_empty()
            || token.detected_entity_id == mapping.entity_id
        {
            return Err(nothing());
        }
        let entity_id = parse_text(
            "entity_id",
            &token.detected_entity_id,
            MAX_ENTITY_TEXT_CHARS,
            false,
        )?;
        let actor = actor_of(admin);
        let audit = MappingAudit {
            actor: &actor,
            integration_name: &integration.name,
            changes: json!({ "entity_id": change(Some(&mapping.entity_id), Some(&entity_id)) }),
        };
        self.store
            .set_mapping_column(
                &mapping,
                audit,
                MappingColumn::EntityId(&entity_id),
                now_millis(),
            )
            .await
            .map_err(mapping_changed_meanwhile)
    }

    async fn test_connection(
        &self,
        integration_id: i64,
        organization_id: Option<i64>,
        path: &str,
    ) -> Result<ConnectionTestResult, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let (url, secrets) = self
            .test_url(&integration.name, organization_id, path)
            .await?;
        let token = self
            .integration_token(integration_id, organization_id)
            .await
            .map_err(AppError::from)?;
        let started = Instant::now();
        let response = self
            .oauth
            .get(&url, token.as_ref().map(|token| &token.access_token))
            .await
            .map_err(|error| match error {
                ApiCallError::Refused(refused) => AppError::Conflict(refused.to_string()),
                other => AppError::Conflict(format!("{url} {other}")),
            })?;
        let status = response.status().as_u16();
        let body = read_capped(response).await;
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut body = String::from_utf8_lossy(&body).into_owned();
        // Blank the token and the secret values before cutting, so no part survives the cut.
        if let Some(token) = &token {
            let secret = token.access_token.expose_secret();
            if !secret.is_empty() {
                body = body.replace(secret, "[access token]");
            }
        }
        for secret in &secrets {
            body = body.replace(secret.as_str(), "[secret]");
        }
        let excerpt: String = body.chars().take(BODY_EXCERPT_CHARS).collect();
        Ok(ConnectionTestResult {
            url,
            status,
            millis,
            body_excerpt: excerpt,
        })
    }
}
