//! What the OAuth tab and the Mappings tab show and do with tokens (the `OAuthTokenServices`
//! port): status, Connect, Refresh now, Disconnect (with revocation), linking a mapping to an
//! organization's token, adopting a detected entity ID, and Test Connection.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{IntegrationId, MappingId, OrganizationId, TokenId};
use app::domain::integration::{parse_text, MAX_ENTITY_TEXT_CHARS};
use app::domain::oauth::{ConnectionTestResult, GrantType, IntegrationOAuthView, OAuthTokenView};
use app::error::AppError;
use app::ssr::OAuthTokenServices;
use serde_json::json;

use super::authorization::{entity_id_given_if_needed, StateBinding};
use super::flow::with_query;
use super::tokens::token_view;
use crate::auth::session_token::hash_token;
use crate::services::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::mappings::{MappingAudit, MappingColumn};
use crate::store::oauth_tokens::OAuthTokenRow;
use crate::store::StoreError;
use crate::time::now_millis;

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
    pub(crate) async fn token_of_integration(
        &self,
        integration_id: IntegrationId,
        token_id: TokenId,
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
}

#[async_trait::async_trait]
impl OAuthTokenServices for ServerServices {
    async fn integration_oauth(
        &self,
        integration_id: IntegrationId,
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

    /// Records a single-use, expiring state bound to the admin's session (see `flow`) and
    /// returns the provider URL; a client-credentials connection gets its token at once.
    async fn start_oauth_connect(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<String, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let connection_id = integration.oauth_connection_id.ok_or_else(|| {
            AppError::Conflict("link an OAuth connection to this integration first".into())
        })?;
        let connection = self
            .store
            .find_oauth_connection(connection_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the OAuth connection".into()))?;
        let target = self
            .connect_target(&integration, &connection, mapping_id)
            .await?;
        entity_id_given_if_needed(&connection, &target)?;
        if connection.grant_type == GrantType::ClientCredentials.as_str() {
            // Nothing to authorize in a browser: get a token now and come back.
            self.connect_client_credentials(integration_id, target.organization_id)
                .await?;
            return Ok(with_query(&target.return_to, "oauth=connected"));
        }
        let binding = StateBinding {
            session_hash: hash_token(session_token),
            admin_id: Some(admin.id),
            consent_link_id: None,
        };
        self.begin_authorization(&connection, integration_id, target, binding)
            .await
    }

    async fn refresh_oauth_token(
        &self,
        _admin: &CurrentAdmin,
        integration_id: IntegrationId,
        token_id: TokenId,
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
        integration_id: IntegrationId,
        token_id: TokenId,
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
        integration_id: IntegrationId,
        mapping_id: MappingId,
        token_id: Option<TokenId>,
    ) -> Result<(), AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let mapping = self.mapping_row(integration_id, mapping_id).await?;
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
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<(), AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let mapping = self.mapping_row(integration_id, mapping_id).await?;
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
        integration_id: IntegrationId,
        organization_id: Option<OrganizationId>,
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
        self.call_test_url(url, token, &secrets).await
    }
}
