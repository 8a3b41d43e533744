//! A customer's consent from a consent link, without an account here: the page the link opens
//! (who asks, for which organization, what access), Continue to the provider (a state bound to
//! the link and to a cookie in this browser, not to an admin's session), and the callback that
//! stores the token as the organization's own, linked on its mapping. The link is used by the
//! consent that completes; every step is audited. The customer is told what happened, never how
//! the server is built.

use app::domain::oauth::{ConsentLinkState, GrantType};
use app::error::AppError;

use super::authorization::StateBinding;
use super::flow::CallbackQuery;
use super::tokens::scopes_of;
use crate::auth::session_token::hash_token;
use crate::services::{internal, ServerServices};
use crate::store::audit::Actor;
use crate::store::consent_links::{link_record, ConsentLinkKey, ConsentLinkRow};
use crate::store::integrations::IntegrationRow;
use crate::store::mappings::MappingRow;
use crate::store::oauth_connections::OAuthConnectionRow;
use crate::store::oauth_states::{OAuthStateRow, StateLookup};
use crate::time::now_millis;

/// What the page a link opens says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentPage {
    pub msp_name: String,
    pub integration_name: String,
    pub organization_name: String,
    /// Where Continue goes (`https://login.example.com`), for the page's form-action policy.
    pub provider_origin: String,
    pub provider_host: String,
    pub scopes: Vec<String>,
}

/// Why a link cannot be used, as the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentRefusal {
    Unknown,
    Used,
    Expired,
    Revoked,
    /// The integration no longer consents this way, or its settings are incomplete.
    NotReady,
    /// The store could not be reached.
    Unavailable,
}

impl ConsentRefusal {
    pub fn status(self) -> u16 {
        match self {
            ConsentRefusal::Unknown => 404,
            ConsentRefusal::Used | ConsentRefusal::Expired | ConsentRefusal::Revoked => 410,
            ConsentRefusal::NotReady => 409,
            ConsentRefusal::Unavailable => 503,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ConsentRefusal::Unknown => "This consent link is not valid. Check that the whole link was copied, or ask your provider for a new one.",
            ConsentRefusal::Used => "This consent link was already used. Ask your provider for a new one if you need to connect again.",
            ConsentRefusal::Expired => "This consent link has expired. Ask your provider for a new one.",
            ConsentRefusal::Revoked => "This consent link was withdrawn by your provider. Ask them for a new one.",
            ConsentRefusal::NotReady => "This consent link cannot be used right now: your provider has not finished setting up the connection. Please let them know.",
            ConsentRefusal::Unavailable => "This page cannot be shown right now. Please try again in a few minutes.",
        }
    }
}

/// How a consent ended, as the customer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentOutcome {
    Connected {
        msp_name: String,
        integration_name: String,
        organization_name: String,
    },
    Failed(String),
}

/// A link that may be used now, with what it consents for.
struct OpenLink {
    link: ConsentLinkRow,
    integration: IntegrationRow,
    connection: OAuthConnectionRow,
    mapping: MappingRow,
}

/// Who the audit log names for a customer's steps: the link, not a person we know.
fn customer_actor(link: &ConsentLinkRow) -> Actor {
    Actor {
        admin_id: None,
        label: format!("consent link #{} ({})", link.id, link.organization_name),
    }
}

fn unavailable(error: crate::store::StoreError) -> ConsentRefusal {
    tracing::error!(%error, "consent link: store operation failed");
    ConsentRefusal::Unavailable
}

fn refusal_of(link: &ConsentLinkRow, now: i64) -> Option<ConsentRefusal> {
    match ConsentLinkState::of(link.expires_at, link.used_at, link.revoked_at, now) {
        ConsentLinkState::Open => None,
        ConsentLinkState::Used => Some(ConsentRefusal::Used),
        ConsentLinkState::Expired => Some(ConsentRefusal::Expired),
        ConsentLinkState::Revoked => Some(ConsentRefusal::Revoked),
    }
}

impl ServerServices {
    async fn open_link(&self, secret: &str) -> Result<OpenLink, ConsentRefusal> {
        let link = self
            .store
            .find_consent_link(ConsentLinkKey::SecretHash(&hash_token(secret)))
            .await
            .map_err(unavailable)?
            .ok_or(ConsentRefusal::Unknown)?;
        if let Some(refusal) = refusal_of(&link, now_millis()) {
            return Err(refusal);
        }
        let integration = self
            .store
            .find_integration(link.integration_id)
            .await
            .map_err(unavailable)?
            .ok_or(ConsentRefusal::NotReady)?;
        let connection_id = integration
            .oauth_connection_id
            .ok_or(ConsentRefusal::NotReady)?;
        let connection = self
            .store
            .find_oauth_connection(connection_id)
            .await
            .map_err(unavailable)?
            .filter(|connection| connection.grant_type == GrantType::AuthorizationCode.as_str())
            .ok_or(ConsentRefusal::NotReady)?;
        let mapping = self
            .store
            .find_mapping_of_organization(integration.id, link.organization_id)
            .await
            .map_err(unavailable)?
            .ok_or(ConsentRefusal::NotReady)?;
        Ok(OpenLink {
            link,
            integration,
            connection,
            mapping,
        })
    }

    /// What the page a link opens shows, or why the link cannot be used.
    pub async fn consent_page(&self, secret: &str) -> Result<ConsentPage, ConsentRefusal> {
        let open = self.open_link(secret).await?;
        let target = self
            .connect_target(&open.integration, &open.connection, Some(open.mapping.id))
            .await
            .map_err(|error| not_ready(&open, &error))?;
        let settings = self
            .provider_settings(&open.connection, &target.entity_id, &target.url_values)
            .map_err(|error| not_ready(&open, &AppError::Conflict(error.to_string())))?;
        let provider = url::Url::parse(&settings.authorization_url)
            .map_err(|_| not_ready(&open, &AppError::Conflict("authorization URL".into())))?;
        let msp_name = self.msp_name().await.map_err(unavailable)?;
        Ok(ConsentPage {
            msp_name,
            integration_name: open.integration.name,
            organization_name: open.link.organization_name,
            provider_origin: provider.origin().ascii_serialization(),
            provider_host: provider.host_str().unwrap_or_default().to_string(),
            scopes: scopes_of(&open.connection.scopes),
        })
    }

    /// Starts the provider's consent for a link, bound to `browser_secret` (the cookie the
    /// callback must bring back): the provider URL to go to.
    pub async fn start_consent(
        &self,
        secret: &str,
        browser_secret: &str,
    ) -> Result<String, ConsentRefusal> {
        let open = self.open_link(secret).await?;
        let target = self
            .connect_target(&open.integration, &open.connection, Some(open.mapping.id))
            .await
            .map_err(|error| not_ready(&open, &error))?;
        let binding = StateBinding {
            session_hash: hash_token(browser_secret),
            admin_id: None,
            consent_link_id: Some(open.link.id),
        };
        let url = self
            .begin_authorization(&open.connection, open.integration.id, target, binding)
            .await
            .map_err(|error| not_ready(&open, &error))?;
        self.audit_consent_step(&open.link, "consent_link.start", serde_json::json!({}))
            .await;
        Ok(url)
    }

    /// Ends a consent whose state this browser's consent cookie started; `None` when the state
    /// is not one (an administrator's Connect, say), for the caller to try that way.
    pub async fn complete_consent(
        &self,
        browser_secret: &str,
        connection_name: &str,
        query: &CallbackQuery,
    ) -> Result<Option<ConsentOutcome>, AppError> {
        let Some(state) = query.state.as_deref().filter(|state| !state.is_empty()) else {
            return Ok(None);
        };
        let lookup = self
            .store
            .take_oauth_state(&hash_token(state), &hash_token(browser_secret))
            .await
            .map_err(internal)?;
        let StateLookup::Found(row) = lookup else {
            return Ok(None);
        };
        let Some(link_id) = row.consent_link_id else {
            return Ok(None);
        };
        let link = self
            .store
            .find_consent_link(ConsentLinkKey::Id(link_id))
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the consent link".into()))?;
        let outcome = self
            .finish_consent(&link, &row, connection_name, query)
            .await?;
        if let ConsentOutcome::Failed(message) = &outcome {
            let changes = serde_json::json!({ "outcome": message });
            self.audit_consent_step(&link, "consent_link.fail", changes)
                .await;
        }
        Ok(Some(outcome))
    }

    async fn finish_consent(
        &self,
        link: &ConsentLinkRow,
        row: &OAuthStateRow,
        connection_name: &str,
        query: &CallbackQuery,
    ) -> Result<ConsentOutcome, AppError> {
        let failed = |message: &str| Ok(ConsentOutcome::Failed(message.to_string()));
        if row.expires_at < now_millis() {
            return failed(EXPIRED_STATE_FOR_CUSTOMER);
        }
        if let Some(refusal) = refusal_of(link, now_millis()) {
            return failed(refusal.message());
        }
        let connection = self
            .store
            .find_oauth_connection(row.connection_id)
            .await
            .map_err(internal)?
            .filter(|connection| connection.name == connection_name);
        let Some(connection) = connection else {
            return failed(ConsentRefusal::NotReady.message());
        };
        if let Some(error) = &query.error {
            let reason: String = error
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            return failed(&format!(
                "Access was not granted at the provider ({reason}). Nothing was changed. You can open the link again to retry."
            ));
        }
        let Some(code) = query.code.as_deref().filter(|code| !code.is_empty()) else {
            return failed(NOT_GRANTED);
        };
        let Ok((settings, grant)) = self.exchange_state_code(row, &connection, code).await? else {
            return failed(NOT_GRANTED);
        };
        if !self
            .store
            .claim_consent_link(link.id, now_millis())
            .await
            .map_err(internal)?
        {
            return failed(ConsentRefusal::Used.message());
        }
        self.store_granted_token(&customer_actor(link), row, &connection, &settings, grant)
            .await?;
        self.audit_consent_step(link, "consent_link.complete", serde_json::json!({}))
            .await;
        self.alert_consent_completed(link, &connection.name).await;
        let msp_name = self.msp_name().await.map_err(internal)?;
        Ok(ConsentOutcome::Connected {
            msp_name,
            integration_name: link.integration_name.clone(),
            organization_name: link.organization_name.clone(),
        })
    }

    /// Raises `consent_link.completed`.
    async fn alert_consent_completed(&self, link: &ConsentLinkRow, connection_name: &str) {
        let integration = urlencoding::encode(&link.integration_name).into_owned();
        self.raise_alert(crate::alerts::Alert {
            event: app::domain::notifications::AlertEvent::ConsentLinkCompleted,
            subject: format!("consent_link:{}", link.id),
            summary: format!(
                "{} consented to {} with a consent link",
                link.organization_name, link.integration_name
            ),
            detail: String::new(),
            connection: Some(connection_name.to_string()),
            integration: Some(link.integration_name.clone()),
            organization: Some(link.organization_name.clone()),
            path: format!("/settings/integrations/{integration}/mappings"),
        })
        .await;
    }

    /// The MSP's name as customers see it: the provider organization's.
    async fn msp_name(&self) -> Result<String, crate::store::StoreError> {
        Ok(self
            .store
            .find_provider_organization()
            .await?
            .map_or_else(|| "Your provider".to_string(), |row| row.name))
    }

    /// Audits a customer's step; a failure to write it is logged, not shown to the customer.
    async fn audit_consent_step(
        &self,
        link: &ConsentLinkRow,
        action: &'static str,
        changes: serde_json::Value,
    ) {
        let actor = customer_actor(link);
        let record = link_record(&actor, action, link, changes);
        if let Err(error) = self.store.append_audit(&record, now_millis()).await {
            tracing::error!(%error, action, "consent link: audit entry not written");
        }
    }
}

const EXPIRED_STATE_FOR_CUSTOMER: &str =
    "This authorization took too long (there are 10 minutes to \
     finish at the provider). Nothing was changed. Open the link again to retry.";
const NOT_GRANTED: &str = "The provider did not complete the connection. Nothing was changed. \
     You can open the link again to retry.";

/// A link whose scope cannot start a consent: the customer is told so, the server log says why.
fn not_ready(open: &OpenLink, error: &AppError) -> ConsentRefusal {
    tracing::warn!(link = %open.link.id, %error, "consent link cannot start a consent");
    ConsentRefusal::NotReady
}
