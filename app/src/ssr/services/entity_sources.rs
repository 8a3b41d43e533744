//! The port of an integration's entity source: its settings, the list it fetches, the picker's
//! search and Auto-match.

use crate::domain::admin::CurrentAdmin;
use crate::domain::ids::IntegrationId;
use crate::domain::integration::{
    AcceptedMatch, AutoMatchView, EntityList, EntitySearch, EntitySourceDraft,
};
use crate::error::AppError;

#[async_trait::async_trait]
pub trait EntitySourceServices: Send + Sync {
    /// The saved settings; `None` when none were saved.
    async fn entity_source_draft(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Option<EntitySourceDraft>, AppError>;
    /// Checks and saves the settings, audited.
    async fn save_entity_source(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        draft: &EntitySourceDraft,
    ) -> Result<EntitySourceDraft, AppError>;
    /// The first page under settings as typed, not saved.
    async fn preview_entities(
        &self,
        integration_id: IntegrationId,
        draft: &EntitySourceDraft,
    ) -> Result<EntityList, AppError>;
    /// Fetches the whole list again; what it found, without the entities.
    async fn refresh_entity_list(
        &self,
        integration_id: IntegrationId,
    ) -> Result<EntityList, AppError>;
    /// The first entities no mapping uses whose ID or name contains `search`.
    async fn search_entities(
        &self,
        integration_id: IntegrationId,
        search: &str,
    ) -> Result<EntitySearch, AppError>;
    async fn auto_match(&self, integration_id: IntegrationId) -> Result<AutoMatchView, AppError>;
    /// Maps each accepted proposal, all or none; how many.
    async fn accept_matches(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        accepted: &[AcceptedMatch],
    ) -> Result<usize, AppError>;
}
