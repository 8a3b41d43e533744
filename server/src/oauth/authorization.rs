//! Starting an authorization at the provider: who a Connect is for (the scope, its entity ID and
//! `{field}` values), and the single-use, expiring `state` recorded with the sealed PKCE
//! verifier, bound to the browser that started it (an admin's session, or a customer's consent
//! cookie). The callback that ends it is in `flow`.

use app::domain::ids::{AdminId, ConsentLinkId, IntegrationId, MappingId, OrganizationId};
use app::domain::oauth::ENTITY_ID_PLACEHOLDER;
use app::error::AppError;

use super::flow::STATE_LIFETIME_MS;
use super::refresh::REFRESH_MARGIN_MS;
use super::url_values::{connection_fields, scope_url_values, UrlValues};
use crate::auth::session_token::{hash_token, new_token};
use crate::services::{internal, ServerServices};
use crate::store::integrations::IntegrationRow;
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_states::NewOAuthState;
use crate::time::now_millis;

/// Whose browser an authorization is bound to: the hash of an admin's session token, or of the
/// consent cookie's secret for a customer who opened a consent link.
pub(super) struct StateBinding {
    pub session_hash: String,
    pub admin_id: Option<AdminId>,
    pub consent_link_id: Option<ConsentLinkId>,
}

/// Who a Connect is for: the organization (none for the shared token), the entity ID and the
/// `{field}` values its URLs are filled with, and the integration tab to come back to.
pub(super) struct ConnectTarget {
    pub organization_id: Option<OrganizationId>,
    pub entity_id: String,
    pub url_values: UrlValues,
    pub return_to: String,
}

/// A connection whose URLs hold `{entity_id}` cannot connect a scope without one.
pub(super) fn entity_id_given_if_needed(
    connection: &OAuthConnectionRow,
    target: &ConnectTarget,
) -> Result<(), AppError> {
    let uses_entity = connection.authorization_url.contains(ENTITY_ID_PLACEHOLDER)
        || connection.token_url.contains(ENTITY_ID_PLACEHOLDER);
    if uses_entity && target.entity_id.is_empty() {
        return Err(AppError::invalid(
            "default_entity_id",
            "is needed: the connection's URLs contain {entity_id}",
        ));
    }
    Ok(())
}

impl ServerServices {
    pub(super) async fn connect_target(
        &self,
        integration: &IntegrationRow,
        connection: &OAuthConnectionRow,
        mapping_id: Option<MappingId>,
    ) -> Result<ConnectTarget, AppError> {
        let (organization_id, entity_id, return_tab) = match mapping_id {
            Some(id) => {
                let mapping = self.mapping_row(integration.id, id).await?;
                (Some(mapping.organization_id), mapping.entity_id, "mappings")
            }
            None => (None, integration.default_entity_id.clone(), "oauth"),
        };
        let return_to = format!(
            "/settings/integrations/{}/{return_tab}",
            urlencoding::encode(&integration.name)
        );
        let url_values = self
            .connection_url_values(connection, integration, organization_id)
            .await?;
        Ok(ConnectTarget {
            organization_id,
            entity_id,
            url_values,
            return_to,
        })
    }

    /// The scope's values for the connection's `{field}` placeholders; nothing is read when it
    /// has none. A field without a value in the scope is an error naming it.
    pub(super) async fn connection_url_values(
        &self,
        connection: &OAuthConnectionRow,
        integration: &IntegrationRow,
        organization_id: Option<OrganizationId>,
    ) -> Result<UrlValues, AppError> {
        if connection_fields(connection).is_empty() {
            return Ok(UrlValues::default());
        }
        let merged = self
            .merged_config(&integration.name, organization_id)
            .await?;
        let fields = self.fields_of(integration.id).await?;
        scope_url_values(connection, &merged, &fields)
    }

    /// A client-credentials Connect: the scope's token is fetched again, now.
    pub(super) async fn connect_client_credentials(
        &self,
        integration_id: IntegrationId,
        organization_id: Option<OrganizationId>,
    ) -> Result<(), AppError> {
        let token_id = self
            .token_id_in_scope(integration_id, organization_id)
            .await
            .map_err(AppError::from)?;
        if let Some(token_id) = token_id {
            self.store
                .reset_client_credentials_token(token_id, now_millis())
                .await
                .map_err(internal)?;
            self.fresh_token(token_id, REFRESH_MARGIN_MS)
                .await
                .map_err(AppError::from)?;
        }
        Ok(())
    }

    /// Records the state for `target`, bound to `binding`, and returns the provider URL the
    /// browser goes to next.
    pub(super) async fn begin_authorization(
        &self,
        connection: &OAuthConnectionRow,
        integration_id: IntegrationId,
        target: ConnectTarget,
        binding: StateBinding,
    ) -> Result<String, AppError> {
        let settings = self
            .provider_settings(connection, &target.entity_id, &target.url_values)
            .map_err(|error| AppError::Conflict(error.to_string()))?;
        self.oauth
            .check_authorization_url(&settings)
            .await
            .map_err(|error| AppError::Conflict(error.to_string()))?;
        let state = new_token();
        let authorization = self
            .oauth
            .authorization(&settings, &state, connection.pkce)
            .map_err(|error| AppError::Conflict(error.to_string()))?;
        let now = now_millis();
        let record = NewOAuthState {
            state_hash: hash_token(&state),
            session_hash: binding.session_hash,
            admin_id: binding.admin_id,
            consent_link_id: binding.consent_link_id,
            connection_id: connection.id,
            integration_id,
            organization_id: target.organization_id,
            entity_id: target.entity_id,
            url_values: target.url_values.to_text(),
            pkce_verifier: authorization.pkce_verifier,
            return_to: target.return_to,
            expires_at: now + STATE_LIFETIME_MS,
        };
        self.store
            .insert_oauth_state(&self.keyring, &record, now)
            .await
            .map_err(internal)?;
        Ok(authorization.url)
    }
}
