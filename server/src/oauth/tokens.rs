//! A fresh token for a scope: which token row serves an integration for an organization, the
//! settings of a call to its provider, and the token opened for use. Refreshing lives in
//! `refresh`.

use app::domain::ids::{IntegrationId, OrganizationId, TokenId};
use app::domain::oauth::{GrantType, OAuthTokenView, TokenState};
use app::error::AppError;
use secrecy::SecretString;

use super::provider::{ProviderError, ProviderSettings, TokenGrant, DEFAULT_TOKEN_LIFETIME_SECS};
use super::refresh::REFRESH_MARGIN_MS;
use super::url_values::{fill_connection_url, UrlValues};
use crate::services::configuration::MergedConfig;
use crate::services::{internal, ServerServices};
use crate::store::integrations::IntegrationRow;
use crate::store::mappings::MappingRow;
use crate::store::oauth_connections::{client_secret_identity, OAuthConnectionRow};
use crate::store::oauth_tokens::{
    token_identity, GrantedTokens, OAuthTokenRow, TokenOwner, ACCESS_TOKEN_COLUMN,
};
use crate::store::StoreError;
use crate::time::now_millis;

/// Why no fresh token could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the OAuth connection is not connected")]
    NotConnected,
    #[error("the OAuth token needs reconnecting: {0}")]
    NeedsReconnect(String),
    #[error("the OAuth provider failed the refresh: {0}")]
    Provider(ProviderError),
    #[error("another server is still refreshing the token")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TokenError> for AppError {
    fn from(error: TokenError) -> AppError {
        match error {
            TokenError::NotConnected => {
                AppError::Conflict("the OAuth connection is not connected yet".into())
            }
            TokenError::NeedsReconnect(_) | TokenError::Provider(_) | TokenError::Busy => {
                AppError::Conflict(error.to_string())
            }
            TokenError::Store(store) => internal(store),
        }
    }
}

/// A usable access token. `Debug` never shows it.
#[derive(Clone)]
pub struct FreshToken {
    pub access_token: SecretString,
    pub token_type: String,
    pub expires_at: i64,
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for FreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreshToken")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

pub(crate) fn scopes_of(text: &str) -> Vec<String> {
    text.split(' ')
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a grant becomes when stored; scopes the provider did not list are the requested ones.
pub(crate) fn granted(grant: TokenGrant, requested_scopes: &[String], now: i64) -> GrantedTokens {
    let lifetime = grant
        .expires_in
        .filter(|seconds| *seconds > 0)
        .unwrap_or(DEFAULT_TOKEN_LIFETIME_SECS);
    GrantedTokens {
        access_token: grant.access_token,
        refresh_token: grant.refresh_token,
        token_type: grant.token_type,
        scopes: grant
            .scopes
            .unwrap_or_else(|| requested_scopes.to_vec())
            .join(" "),
        expires_at: now.saturating_add(lifetime.saturating_mul(1000)),
        detected_entity_id: String::new(),
    }
}

pub(crate) fn token_view(
    row: &OAuthTokenRow,
    organization_name: Option<String>,
    client_credentials: bool,
) -> OAuthTokenView {
    OAuthTokenView {
        id: row.id,
        organization_id: row.organization_id,
        organization_name,
        // A client-credentials row waiting for its first grant is not connected yet.
        state: match TokenState::parse(&row.status) {
            TokenState::Connected if row.access_token.is_none() => TokenState::NotConnected,
            state => state,
        },
        scopes: scopes_of(&row.scopes),
        expires_at: row.expires_at.filter(|at| *at > 0),
        refreshed_at: row.refreshed_at,
        connected_by: row.connected_by.clone(),
        connected_at: row.connected_at,
        last_error: row.last_error.clone(),
        has_refresh_token: row.refresh_token.is_some(),
        client_credentials,
    }
}

impl ServerServices {
    /// The settings of a provider call for `entity_id` and the kept `{field}` values, with the
    /// client secret opened.
    pub(crate) fn provider_settings(
        &self,
        connection: &OAuthConnectionRow,
        entity_id: &str,
        values: &UrlValues,
    ) -> Result<ProviderSettings, ProviderError> {
        let client_secret = connection
            .client_secret
            .as_deref()
            .map(|sealed| {
                self.keyring
                    .decrypt(client_secret_identity(connection.id), sealed)
            })
            .transpose()
            .map_err(|_| ProviderError::Settings("the client secret is unreadable".into()))?;
        let fill = |url: &str| {
            fill_connection_url(url, entity_id, values)
                .map_err(|error| ProviderError::Settings(error.to_string()))
        };
        Ok(ProviderSettings {
            authorization_url: fill(&connection.authorization_url)?,
            token_url: fill(&connection.token_url)?,
            client_id: connection.client_id.clone(),
            client_secret,
            scopes: scopes_of(&connection.scopes),
            extra_parameters: serde_json::from_str(&connection.extra_parameters)
                .unwrap_or_default(),
            audience: connection.audience.clone(),
            revocation_url: fill(&connection.revocation_url)?,
            redirect_uri: self.redirect_uri(&connection.name),
        })
    }

    pub(crate) fn redirect_uri(&self, connection_name: &str) -> String {
        format!(
            "{}/oauth/callback/{connection_name}",
            self.config.public_url
        )
    }

    pub(crate) fn open_token(&self, row: &OAuthTokenRow) -> Result<FreshToken, TokenError> {
        let sealed = row
            .access_token
            .as_deref()
            .ok_or(TokenError::NotConnected)?;
        let access_token = self
            .keyring
            .decrypt(token_identity(row.id, ACCESS_TOKEN_COLUMN), sealed)
            .map_err(StoreError::from)?;
        Ok(FreshToken {
            access_token,
            token_type: row.token_type.clone(),
            expires_at: row.expires_at.unwrap_or(0),
            scopes: scopes_of(&row.scopes),
        })
    }

    /// The token an integration uses for an organization (`None`: the global scope): the
    /// mapping's organization-specific token if linked, else the connection's shared token;
    /// client-credentials connections get one per mapped organization on demand.
    /// `Ok(None)` when the integration has no OAuth connection.
    pub async fn integration_token(
        &self,
        integration_id: IntegrationId,
        organization_id: Option<OrganizationId>,
    ) -> Result<Option<FreshToken>, TokenError> {
        let token_id = self
            .token_id_in_scope(integration_id, organization_id)
            .await?;
        self.fresh_if_any(token_id).await
    }

    /// Which token row serves an integration in a scope; `None` without an OAuth connection.
    pub(crate) async fn token_id_in_scope(
        &self,
        integration_id: IntegrationId,
        organization_id: Option<OrganizationId>,
    ) -> Result<Option<TokenId>, TokenError> {
        let integration = self
            .store
            .find_integration(integration_id)
            .await?
            .ok_or(TokenError::NotConnected)?;
        if integration.oauth_connection_id.is_none() {
            return Ok(None);
        }
        let mapping = match organization_id {
            Some(organization) => {
                self.store
                    .find_mapping_of_organization(integration_id, organization)
                    .await?
            }
            None => None,
        };
        self.token_id_for(&integration, mapping.as_ref()).await
    }

    /// The token of a merged config's scope, fresh; `Ok(None)` without an OAuth connection.
    /// Uses the rows the merge already read, so resolving reads them once.
    pub async fn merged_config_token(
        &self,
        merged: &MergedConfig,
    ) -> Result<Option<FreshToken>, TokenError> {
        let token_id = self
            .token_id_for(&merged.integration, merged.mapping.as_ref())
            .await?;
        self.fresh_if_any(token_id).await
    }

    async fn fresh_if_any(
        &self,
        token_id: Option<TokenId>,
    ) -> Result<Option<FreshToken>, TokenError> {
        match token_id {
            Some(token_id) => self
                .fresh_token(token_id, REFRESH_MARGIN_MS)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Which token row serves the integration for the mapping's organization (`None`: the
    /// global scope).
    async fn token_id_for(
        &self,
        integration: &IntegrationRow,
        mapping: Option<&MappingRow>,
    ) -> Result<Option<TokenId>, TokenError> {
        let Some(connection_id) = integration.oauth_connection_id else {
            return Ok(None);
        };
        let connection = self
            .store
            .find_oauth_connection(connection_id)
            .await?
            .ok_or(TokenError::NotConnected)?;
        if connection.grant_type == GrantType::ClientCredentials.as_str() {
            let organization_id = mapping.map(|m| m.organization_id);
            let url_values = self
                .connection_url_values(&connection, integration, organization_id)
                .await
                .map_err(|error| {
                    TokenError::Provider(ProviderError::Settings(error.to_string()))
                })?;
            let owner = TokenOwner {
                connection_id,
                organization_id,
                entity_id: mapping.map_or(integration.default_entity_id.clone(), |m| {
                    m.entity_id.clone()
                }),
                url_values: url_values.to_text(),
            };
            let row = self
                .store
                .ensure_client_credentials_token(&owner, now_millis())
                .await?;
            return Ok(Some(row.id));
        }
        if let Some(linked) = mapping.and_then(|m| m.oauth_token_id) {
            // A token of a connection the integration no longer uses never reaches its API.
            let token = self.store.find_oauth_token(linked).await?;
            if token.is_some_and(|token| token.connection_id == connection_id) {
                return Ok(Some(linked));
            }
        }
        let shared = self
            .store
            .find_oauth_token_of(connection_id, None)
            .await?
            .ok_or(TokenError::NotConnected)?;
        Ok(Some(shared.id))
    }
}
