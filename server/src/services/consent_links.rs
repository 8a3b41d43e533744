//! Consent links, the administrator's side: create one for a mapping's organization (its secret
//! shown once, only its hash kept), list them, revoke one. The customer's side (the page a link
//! opens, the provider's consent and the callback) is `oauth::consent_flow`.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{ConsentLinkId, IntegrationId, MappingId};
use app::domain::oauth::{
    parse_link_days, ConsentLinkState, ConsentLinkView, CreatedConsentLink, CONSENT_PATH,
};
use app::error::AppError;
use app::ssr::ConsentLinkServices;

use super::{actor_of, internal, ServerServices};
use crate::auth::session_token::{hash_token, new_token};
use crate::store::consent_links::{ConsentLinkRow, NewConsentLink};
use crate::store::integrations::IntegrationRow;
use crate::time::now_millis;

pub(crate) fn link_view(row: &ConsentLinkRow, now: i64) -> ConsentLinkView {
    ConsentLinkView {
        id: row.id,
        organization_id: row.organization_id,
        created_by: row.created_by.clone(),
        created_at: row.created_at,
        expires_at: row.expires_at,
        used_at: row.used_at,
        state: ConsentLinkState::of(row.expires_at, row.used_at, row.revoked_at, now),
    }
}

impl ServerServices {
    /// Consent is given in a browser: only an authorization-code connection can take it.
    pub(crate) async fn ensure_consent_possible(
        &self,
        integration: &IntegrationRow,
    ) -> Result<(), AppError> {
        if self.consents_in_browser(integration).await? {
            return Ok(());
        }
        Err(AppError::Conflict(
            "consent links need an OAuth connection with the authorization code grant on this integration".into(),
        ))
    }
}

#[async_trait::async_trait]
impl ConsentLinkServices for ServerServices {
    async fn create_consent_link(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        days: &str,
    ) -> Result<CreatedConsentLink, AppError> {
        let lifetime = parse_link_days(days)?;
        let integration = self.integration_row_by_id(integration_id).await?;
        self.ensure_consent_possible(&integration).await?;
        let mapping = self.mapping_row(integration_id, mapping_id).await?;
        let secret = new_token();
        let token_hash = hash_token(&secret);
        let now = now_millis();
        let link = NewConsentLink {
            token_hash: &token_hash,
            integration_id,
            organization_id: mapping.organization_id,
            expires_at: now + lifetime,
        };
        let row = self
            .store
            .insert_consent_link(&link, &actor_of(admin), now)
            .await
            .map_err(internal)?;
        Ok(CreatedConsentLink {
            link: link_view(&row, now),
            url: format!("{}{CONSENT_PATH}{secret}", self.config.public_url),
        })
    }

    async fn consent_links(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<Vec<ConsentLinkView>, AppError> {
        let mapping = self.mapping_row(integration_id, mapping_id).await?;
        let rows = self
            .store
            .list_consent_links(integration_id, mapping.organization_id)
            .await
            .map_err(internal)?;
        let now = now_millis();
        Ok(rows.iter().map(|row| link_view(row, now)).collect())
    }

    async fn revoke_consent_link(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        link_id: ConsentLinkId,
    ) -> Result<(), AppError> {
        self.store
            .revoke_consent_link(integration_id, link_id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the consent link".into()))?;
        Ok(())
    }
}
