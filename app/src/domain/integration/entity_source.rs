//! An integration's entity source as the form types it, and the entities it lists: shapes shared
//! by server and browser. The server checks a draft (`services::entity_source`).

use serde::{Deserialize, Serialize};

use crate::domain::ids::OrganizationId;

/// Pages a fetch follows at most when the form does not say.
pub const DEFAULT_MAX_PAGES: i64 = 50;
/// Minutes a fetched list is kept when the form does not say.
pub const DEFAULT_CACHE_MINUTES: i64 = 60;
/// Entities a Preview shows.
pub const PREVIEW_ENTITIES: usize = 10;

/// The Entity source form, each field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySourceDraft {
    /// Path and query under the integration's `base_url`, such as `/api/companies?active=true`.
    pub path: String,
    /// `oauth` (the integration's shared token) or `header` (a config field in a header).
    pub auth_kind: String,
    pub header_name: String,
    pub header_field: String,
    pub list_pointer: String,
    pub id_pointer: String,
    pub name_pointer: String,
    /// `single`, `next_link`, `link_header` or `page_parameter`.
    pub paging_kind: String,
    pub next_pointer: String,
    pub page_parameter: String,
    pub first_page: String,
    pub max_pages: String,
    pub cache_minutes: String,
}

/// One entity of the external system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityView {
    pub id: String,
    pub name: String,
}

/// What a fetch found: the entities, and whether the page limit cut the list short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityList {
    pub entities: Vec<EntityView>,
    /// Entities found; more than `entities` holds when a preview or summary cut it.
    pub total: usize,
    pub pages: u32,
    pub truncated: bool,
    /// When the list was fetched (ms since the epoch); a kept list shows its age.
    pub fetched_at: i64,
}

/// Entities the mapping picker offers: the first matches of a search, and how many match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySearch {
    pub entities: Vec<EntityView>,
    pub total: usize,
}

/// How many entities the picker lists at once.
pub const ENTITY_CHOICES: usize = 50;

/// Auto-match's proposal for one unmapped organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchProposalView {
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    /// 100 for an exact match (case, spacing and company suffixes aside), else the similarity.
    pub score: u8,
    pub exact: bool,
}

/// Auto-match's proposals, best first, and what it compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoMatchView {
    pub proposals: Vec<MatchProposalView>,
    pub unmapped_organizations: usize,
    pub unmapped_entities: usize,
    /// The entity list stopped at its page limit: some entities were not compared.
    pub list_truncated: bool,
}

/// A proposal the admin accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedMatch {
    pub organization_id: OrganizationId,
    pub entity_id: String,
}
