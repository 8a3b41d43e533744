//! The workflow API's rules: which organization a request acts for and whether its key may,
//! what a customer key may see, and the resolve answers kept in memory. HTTP handlers in
//! `crate::api` parse a request, call one method here and map the result.

pub mod answer_cache;
pub mod answers;
pub mod index;
mod scope;

use app::error::AppError;
use app::ssr::MappingServices;
use axum::body::Bytes;

use self::answer_cache::{AnswerKey, CachedAnswer};
use self::answers::{MappedOrganization, MappingPage, ResolvedIntegration, ScopeOrganization};
use self::scope::resolve_scope;
use super::api_keys::{looks_like_api_key, ApiCaller};
use super::{ServerServices, TokenError};
use crate::store::mappings::MappingRow;
use crate::store::StoreError;
use crate::time::now_millis;

pub use self::scope::GLOBAL_SCOPE;

/// Why the workflow API refuses a request.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("a valid API key is required: Authorization: Bearer <key>")]
    Unauthorized,
    #[error("this API key acts only for its own organization")]
    Forbidden,
    #[error("no integration is named “{0}”")]
    IntegrationNotFound(String),
    #[error("no organization is “{0}”")]
    OrganizationNotFound(String),
    #[error("“{0}” is not configured for this organization")]
    IntegrationNotConfigured(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the integration's OAuth connection is not connected")]
    OAuthNotConnected,
    #[error("the OAuth token needs reconnecting: {0}")]
    OAuthNeedsReconnect(String),
    #[error("the OAuth provider failed the refresh: {0}")]
    OAuthProvider(String),
    /// Already logged where it happened.
    #[error("the server could not answer")]
    Internal,
}

impl From<StoreError> for WorkflowError {
    /// Logged once here; the caller sees only that the server could not answer.
    fn from(error: StoreError) -> WorkflowError {
        tracing::error!(%error, "store operation failed");
        WorkflowError::Internal
    }
}

impl From<TokenError> for WorkflowError {
    fn from(error: TokenError) -> WorkflowError {
        match error {
            TokenError::NotConnected => WorkflowError::OAuthNotConnected,
            TokenError::NeedsReconnect(reason) => WorkflowError::OAuthNeedsReconnect(reason),
            TokenError::Provider(provider) => WorkflowError::OAuthProvider(provider.to_string()),
            TokenError::Busy => WorkflowError::OAuthProvider(error.to_string()),
            TokenError::Store(store) => WorkflowError::from(store),
        }
    }
}

/// Services errors the workflow API can meet about a named integration; anything else is
/// internal (already logged).
fn about_integration(error: AppError, integration: &str) -> WorkflowError {
    match error {
        AppError::NotFound(_) => WorkflowError::IntegrationNotFound(integration.to_string()),
        _ => WorkflowError::Internal,
    }
}

impl ServerServices {
    /// The caller a bearer key belongs to; an unknown, revoked or expired key is refused.
    pub async fn api_caller(&self, key: &str) -> Result<ApiCaller, WorkflowError> {
        match self.authenticate_api_key(key).await {
            Ok(Some(caller)) => Ok(caller),
            Ok(None) => Err(WorkflowError::Unauthorized),
            Err(_) => Err(WorkflowError::Internal),
        }
    }

    /// The integration `name` resolved in the scope asked for, as the JSON body to send.
    /// Answers are kept in memory and reused while no change has been committed since.
    pub async fn resolve_for_workflow(
        &self,
        key: &str,
        name: &str,
        scope: Option<&str>,
    ) -> Result<Bytes, WorkflowError> {
        if !looks_like_api_key(key) {
            return Err(WorkflowError::Unauthorized);
        }
        let answer_key = AnswerKey::new(key, name, scope);
        // Read before anything else, so what follows is at least as new as the generation.
        let generation = self.change_generation().await?;
        // The index answers any organization from memory; answers are kept only for what it
        // leaves to the database (keeping each of a million would only churn the cache).
        if let Some(answer) = self
            .indexed_answer(generation, &answer_key, name, scope)
            .await
        {
            return Ok(answer.body);
        }
        if let Some(answer) = self.cached_answer(generation, &answer_key) {
            return Ok(answer.body.clone());
        }
        let caller = self.api_caller(key).await?;
        let (resolved, token_expires_at) = self.resolve_uncached(&caller, name, scope).await?;
        let body = serialized(&resolved)?;
        let answer = CachedAnswer {
            generation,
            caller,
            token_expires_at,
            body: body.clone(),
        };
        self.keep_answer(answer_key, answer);
        Ok(body)
    }

    /// The index's answer alone, the index brought to the current generation first; `None` when
    /// it leaves the request to the database path. For tests holding it to that path's answer.
    #[doc(hidden)]
    pub async fn resolve_from_index_only(
        &self,
        key: &str,
        name: &str,
        scope: Option<&str>,
    ) -> Option<serde_json::Value> {
        let generation = self.store.change_generation().await.ok()?;
        let answer_key = AnswerKey::new(key, name, scope);
        let answer = self
            .indexed_answer(generation, &answer_key, name, scope)
            .await?;
        serde_json::from_slice(&answer.body).ok()
    }

    /// The database path's answer alone. For tests holding the index to it.
    #[doc(hidden)]
    pub async fn resolve_from_store_only(
        &self,
        key: &str,
        name: &str,
        scope: Option<&str>,
    ) -> Result<serde_json::Value, WorkflowError> {
        let caller = self.api_caller(key).await?;
        let (resolved, _) = self.resolve_uncached(&caller, name, scope).await?;
        serde_json::to_value(&resolved).map_err(|_| WorkflowError::Internal)
    }

    /// The answer from the resolve index brought to `generation`, if it has the plain success;
    /// records the key's use.
    async fn indexed_answer(
        &self,
        generation: i64,
        answer_key: &AnswerKey,
        name: &str,
        scope: Option<&str>,
    ) -> Option<index::IndexedAnswer> {
        match self.advance_resolve_index(generation).await {
            Ok(true) => {}
            Ok(false) => return None,
            Err(error) => {
                tracing::warn!(%error, "the resolve index could not catch up");
                return None;
            }
        }
        let now = now_millis();
        let answer = self
            .resolve_index
            .read_at(generation, |data| {
                self.answer_from_index(data, answer_key.key_hash(), name, scope, now)
            })
            .flatten()?;
        self.record_key_use(answer.caller.key_id, None, now);
        Some(answer)
    }

    /// The answer computed from the store, and when its access token expires.
    async fn resolve_uncached(
        &self,
        caller: &ApiCaller,
        name: &str,
        scope: Option<&str>,
    ) -> Result<(ResolvedIntegration, Option<i64>), WorkflowError> {
        let scope = resolve_scope(self, caller, scope).await?;
        let organization_id = scope.organization.as_ref().map(|(id, _)| *id);
        let merged = self
            .merged_config(name, organization_id)
            .await
            .map_err(|error| about_integration(error, name))?;
        // The global scope (defaults, secrets, the Default Entity ID, the shared token, often a
        // partner-wide one) is the provider's: a customer organization without a mapping has
        // nothing configured. Decided before the token is looked up, so none is fetched for it.
        if !merged.mapped && !caller.provider {
            return Err(WorkflowError::IntegrationNotConfigured(name.to_string()));
        }
        let token = self.merged_config_token(&merged).await?;
        let token_expires_at = token.as_ref().map(|token| token.expires_at);
        let resolved = ResolvedIntegration {
            name: merged.integration_name,
            entity_id: merged.entity_id,
            entity_name: merged.entity_name,
            organization: scope
                .organization
                .map(|(id, name)| ScopeOrganization { id, name }),
            mapped: merged.mapped,
            config: merged.config,
            oauth: token.map(Into::into),
            missing_required: merged.missing_required,
        };
        Ok((resolved, token_expires_at))
    }

    /// One page of the organizations mapped in the integration `name`; a customer key sees only
    /// its own organization's mapping.
    pub async fn workflow_mappings(
        &self,
        caller: &ApiCaller,
        name: &str,
        page: Option<i64>,
    ) -> Result<MappingPage, WorkflowError> {
        let page = page.unwrap_or(1);
        if page < 1 {
            return Err(WorkflowError::BadRequest("page must be 1 or more".into()));
        }
        let integration = self
            .store
            .find_integration_by_name(name.trim())
            .await?
            .ok_or_else(|| WorkflowError::IntegrationNotFound(name.to_string()))?;
        if !caller.provider {
            let own = self
                .store
                .find_mapping_of_organization(integration.id, caller.organization_id)
                .await?;
            return Ok(own_mapping_page(own));
        }
        let paged = self
            .mappings(integration.id, "", page)
            .await
            .map_err(|error| about_integration(error, name))?;
        Ok(MappingPage {
            items: paged
                .items
                .into_iter()
                .map(|mapping| MappedOrganization {
                    organization_id: mapping.organization_id,
                    organization_name: mapping.organization_name,
                    entity_id: mapping.entity_id,
                    entity_name: mapping.entity_name,
                })
                .collect(),
            page: paged.page,
            per_page: paged.per_page,
            total: paged.total,
        })
    }
}

fn serialized(resolved: &ResolvedIntegration) -> Result<Bytes, WorkflowError> {
    let body = serde_json::to_vec(resolved).map_err(|error| {
        tracing::error!(%error, "a resolved integration could not be serialized");
        WorkflowError::Internal
    })?;
    Ok(Bytes::from(body))
}

/// A customer key's page: its own organization's mapping, if any.
fn own_mapping_page(own: Option<MappingRow>) -> MappingPage {
    let items: Vec<MappedOrganization> = own
        .into_iter()
        .map(|row| MappedOrganization {
            organization_id: row.organization_id,
            organization_name: row.organization_name,
            entity_id: row.entity_id,
            entity_name: row.entity_name,
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    MappingPage {
        items,
        page: 1,
        per_page: 1,
        total,
    }
}
