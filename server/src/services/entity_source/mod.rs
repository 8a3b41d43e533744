//! An integration's entity source: its settings (checked in `rules.rs`), a Preview of the first
//! page, and the whole list fetched (`fetch.rs`) and kept for the configured time. The kept
//! list is per server process; "Refresh list" fetches it again.

use std::sync::Arc;

use app::domain::admin::CurrentAdmin;
use app::domain::ids::IntegrationId;
use app::domain::integration::{
    AcceptedMatch, AutoMatchView, EntityList, EntitySearch, EntitySourceDraft, EntityView,
    ENTITY_CHOICES, PREVIEW_ENTITIES,
};
use app::error::AppError;
use app::ssr::EntitySourceServices;

use super::{actor_of, internal, ServerServices};
use crate::store::entity_sources::EntitySourceRow;
use crate::time::now_millis;

mod fetch;
pub mod pages;
mod proposals;
mod rules;

pub use rules::check_entity_source;

/// Integrations whose lists are kept at once; the least used go first.
const KEPT_LISTS: usize = 64;

/// The fetched lists, by integration.
pub struct EntityListCache(quick_cache::sync::Cache<IntegrationId, Arc<EntityList>>);

impl Default for EntityListCache {
    fn default() -> Self {
        EntityListCache(quick_cache::sync::Cache::new(KEPT_LISTS))
    }
}

impl std::fmt::Debug for EntityListCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityListCache")
            .field("lists", &self.0.len())
            .finish()
    }
}

fn no_entity_source() -> AppError {
    AppError::NotFound("the integration's entity source".to_string())
}

#[async_trait::async_trait]
impl EntitySourceServices for ServerServices {
    async fn entity_source_draft(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Option<EntitySourceDraft>, AppError> {
        let row = self
            .store
            .entity_source(integration_id)
            .await
            .map_err(internal)?;
        Ok(row.map(|row| draft_of(&row)))
    }

    /// Checks and saves the settings (audited), dropping the list kept under the old ones.
    async fn save_entity_source(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        draft: &EntitySourceDraft,
    ) -> Result<EntitySourceDraft, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let fields = self.fields_of(integration_id).await?;
        let row = check_entity_source(integration_id, draft, &fields, now_millis())?;
        let saved = self
            .store
            .save_entity_source(&row, (&actor_of(admin), &integration.name), now_millis())
            .await
            .map_err(internal)?;
        self.entity_lists.0.remove(&integration_id);
        Ok(draft_of(&saved))
    }

    /// The first page, cut to the first few entities.
    async fn preview_entities(
        &self,
        integration_id: IntegrationId,
        draft: &EntitySourceDraft,
    ) -> Result<EntityList, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let fields = self.fields_of(integration_id).await?;
        let row = check_entity_source(integration_id, draft, &fields, now_millis())?;
        let mut list = self.fetch_entity_pages(&integration, &row, 1).await?;
        list.entities.truncate(PREVIEW_ENTITIES);
        Ok(list)
    }

    async fn refresh_entity_list(
        &self,
        integration_id: IntegrationId,
    ) -> Result<EntityList, AppError> {
        let list = self.entity_list(integration_id, true).await?;
        // The counts only: copying the entities to drop them would cost as much as the list.
        Ok(EntityList {
            entities: Vec::new(),
            total: list.total,
            pages: list.pages,
            truncated: list.truncated,
            fetched_at: list.fetched_at,
        })
    }

    async fn search_entities(
        &self,
        integration_id: IntegrationId,
        search: &str,
    ) -> Result<EntitySearch, AppError> {
        let list = self.entity_list(integration_id, false).await?;
        let mapped = self.mapped_entities(integration_id).await?;
        let search = search.trim().to_lowercase();
        let mut found = list.entities.iter().filter(|entity| {
            !mapped.contains(&entity.id)
                && (entity.id.to_lowercase().contains(&search)
                    || entity.name.to_lowercase().contains(&search))
        });
        let entities: Vec<EntityView> = found.by_ref().take(ENTITY_CHOICES).cloned().collect();
        let total = entities.len() + found.count();
        Ok(EntitySearch { entities, total })
    }

    async fn auto_match(&self, integration_id: IntegrationId) -> Result<AutoMatchView, AppError> {
        self.auto_match_proposals(integration_id).await
    }

    async fn accept_matches(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        accepted: &[AcceptedMatch],
    ) -> Result<usize, AppError> {
        self.write_accepted_matches(admin, integration_id, accepted)
            .await
    }
}

impl ServerServices {
    /// The whole list: the kept one while it is younger than the source's cache time, unless
    /// `refresh` asks for it again.
    pub async fn entity_list(
        &self,
        integration_id: IntegrationId,
        refresh: bool,
    ) -> Result<Arc<EntityList>, AppError> {
        let source = self
            .store
            .entity_source(integration_id)
            .await
            .map_err(internal)?
            .ok_or_else(no_entity_source)?;
        if !refresh {
            if let Some(kept) = self.entity_lists.0.get(&integration_id) {
                if now_millis() - kept.fetched_at < source.cache_seconds * 1000 {
                    return Ok(kept);
                }
            }
        }
        let integration = self.integration_row_by_id(integration_id).await?;
        let list = Arc::new(
            self.fetch_entity_pages(&integration, &source, source.max_pages)
                .await?,
        );
        if source.cache_seconds > 0 {
            self.entity_lists.0.insert(integration_id, list.clone());
        }
        Ok(list)
    }
}

fn draft_of(row: &EntitySourceRow) -> EntitySourceDraft {
    EntitySourceDraft {
        path: row.path.clone(),
        auth_kind: row.auth_kind.clone(),
        header_name: row.header_name.clone(),
        header_field: row.header_field.clone(),
        list_pointer: row.list_pointer.clone(),
        id_pointer: row.id_pointer.clone(),
        name_pointer: row.name_pointer.clone(),
        paging_kind: row.paging_kind.clone(),
        next_pointer: row.next_pointer.clone(),
        page_parameter: row.page_parameter.clone(),
        first_page: row.first_page.to_string(),
        max_pages: row.max_pages.to_string(),
        cache_minutes: (row.cache_seconds / 60).to_string(),
    }
}
