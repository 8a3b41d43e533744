//! What the resolve index holds, and how one changed row updates it. Compact where the dataset
//! is large (a mapping is one allocation), plain rows where it is small (integrations, fields,
//! defaults, keys, tokens).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::value::RawValue;

use app::domain::ids::{ConnectionId, IntegrationId, MappingId, OrganizationId, TokenId};

use crate::store::change_log::{IndexedApiKey, IndexedMapping};
use crate::store::config_values::ValueRow;
use crate::store::integrations::{FieldRow, IntegrationRow};
use crate::store::oauth_tokens::OAuthTokenRow;
use crate::store::organizations::OrganizationRow;

/// An integration with its schema, its defaults and its connection's grant type.
#[derive(Debug)]
pub struct IntegrationEntry {
    pub row: IntegrationRow,
    pub fields: Vec<FieldRow>,
    /// By field id.
    pub defaults: HashMap<i64, ValueRow>,
    /// `None` when the integration has no connection or the connection is gone.
    pub grant_type: Option<String>,
    /// The config of a scope that overrides nothing, made on first use.
    pub defaults_json: OnceLock<Option<ConfigJson>>,
}

/// A scope's config and its missing required fields, serialized. Holds decrypted secrets, as
/// the answers kept in memory do: its `Debug` shows nothing of them.
pub struct ConfigJson {
    pub config: Box<RawValue>,
    pub missing_required: Box<RawValue>,
}

impl std::fmt::Debug for ConfigJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigJson").finish_non_exhaustive()
    }
}

/// The small tables, loaded whole whenever one of them changes.
#[derive(Debug, Default)]
pub struct Settings {
    /// By lower-cased name.
    pub integrations: HashMap<String, Arc<IntegrationEntry>>,
    /// By key hash; revoked keys are left out.
    pub keys: HashMap<String, IndexedApiKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationEntry {
    pub name: String,
    pub provider: bool,
}

/// A mapping in one allocation: the entity ID and name side by side. 40 bytes beside it, and
/// its organization's id in the search array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingEntry {
    pub id: MappingId,
    /// The linked token's id; 0 for none (ids start at 1).
    token: i64,
    text: Box<str>,
    split: u32,
    /// Whether the index holds overrides for it: most mappings have none, and the answer then
    /// skips a lookup that would miss.
    pub has_overrides: bool,
}

impl MappingEntry {
    pub fn new(row: &IndexedMapping, has_overrides: bool) -> MappingEntry {
        MappingEntry {
            id: row.id,
            token: row.oauth_token_id.map_or(0, TokenId::get),
            text: format!("{}{}", row.entity_id, row.entity_name).into_boxed_str(),
            split: u32::try_from(row.entity_id.len()).unwrap_or(u32::MAX),
            has_overrides,
        }
    }

    pub fn token(&self) -> Option<TokenId> {
        (self.token != 0).then(|| TokenId::from(self.token))
    }

    pub fn entity_id(&self) -> &str {
        self.text.get(..self.split as usize).unwrap_or_default()
    }

    pub fn entity_name(&self) -> &str {
        self.text.get(self.split as usize..).unwrap_or_default()
    }
}

/// One integration's mappings in sorted arrays: a million take 48 MB rather than a hash
/// table's 80 (whose buckets are a power of two, a third of them empty), and the search runs
/// over the organization ids alone, eight to a cache line.
#[derive(Debug, Default)]
pub struct IntegrationMappings {
    organizations: Vec<OrganizationId>,
    entries: Vec<MappingEntry>,
    /// Added while loading, sorted into the arrays by [`IndexData::finish_loading`].
    loading: Vec<(OrganizationId, MappingEntry)>,
}

impl IntegrationMappings {
    fn position(&self, organization: OrganizationId) -> Result<usize, usize> {
        self.organizations.binary_search(&organization)
    }

    pub fn get(&self, organization: OrganizationId) -> Option<&MappingEntry> {
        self.entries.get(self.position(organization).ok()?)
    }

    pub fn remove(&mut self, organization: OrganizationId) -> Option<MappingEntry> {
        let at = self.position(organization).ok()?;
        self.organizations.remove(at);
        Some(self.entries.remove(at))
    }

    pub fn insert(&mut self, organization: OrganizationId, entry: MappingEntry) {
        match self.position(organization) {
            Ok(at) => self.entries[at] = entry,
            Err(at) => {
                self.organizations.insert(at, organization);
                self.entries.insert(at, entry);
            }
        }
    }

    fn sort_loaded(&mut self) {
        let mut loaded = std::mem::take(&mut self.loading);
        loaded.sort_unstable_by_key(|(organization, _)| *organization);
        self.organizations = loaded
            .iter()
            .map(|(organization, _)| *organization)
            .collect();
        self.entries = loaded.into_iter().map(|(_, entry)| entry).collect();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each mapping with its organization, by organization.
    pub fn iter(&self) -> impl Iterator<Item = (OrganizationId, &MappingEntry)> {
        self.organizations.iter().copied().zip(self.entries.iter())
    }
}

/// Everything resolve reads, as of `generation`.
#[derive(Debug, Default)]
pub struct IndexData {
    pub generation: i64,
    pub settings: Settings,
    pub organizations: HashMap<OrganizationId, OrganizationEntry>,
    /// Lower-cased name to id.
    pub organization_names: HashMap<String, OrganizationId>,
    pub mappings: HashMap<IntegrationId, IntegrationMappings>,
    /// Only mappings that have overrides.
    pub overrides: HashMap<MappingId, Vec<ValueRow>>,
    pub tokens: HashMap<TokenId, OAuthTokenRow>,
    /// A connection's shared token (no organization).
    pub shared_tokens: HashMap<ConnectionId, TokenId>,
}

impl IndexData {
    pub fn integration(&self, name: &str) -> Option<&Arc<IntegrationEntry>> {
        self.settings.integrations.get(&name.trim().to_lowercase())
    }

    pub fn mapping(
        &self,
        integration_id: IntegrationId,
        organization_id: OrganizationId,
    ) -> Option<&MappingEntry> {
        self.mappings.get(&integration_id)?.get(organization_id)
    }

    pub fn organization_named(&self, name: &str) -> Option<OrganizationId> {
        self.organization_names.get(&name.to_lowercase()).copied()
    }

    /// Replaces the small tables; mappings of an integration that is gone go with it.
    pub fn set_settings(&mut self, settings: Settings) {
        let kept: std::collections::HashSet<IntegrationId> = settings
            .integrations
            .values()
            .map(|entry| entry.row.id)
            .collect();
        let gone: Vec<IntegrationId> = self
            .mappings
            .keys()
            .filter(|id| !kept.contains(id))
            .copied()
            .collect();
        for integration_id in gone {
            if let Some(mappings) = self.mappings.remove(&integration_id) {
                for (_, entry) in mappings.iter() {
                    self.overrides.remove(&entry.id);
                }
            }
        }
        self.settings = settings;
    }

    /// The organization as it now is (`None`: deleted, with its mappings).
    pub fn set_organization(&mut self, id: OrganizationId, row: Option<OrganizationRow>) {
        if let Some(old) = self.organizations.remove(&id) {
            let old_key = old.name.to_lowercase();
            if self.organization_names.get(&old_key) == Some(&id) {
                self.organization_names.remove(&old_key);
            }
        }
        match row {
            Some(row) => {
                self.organization_names.insert(row.name.to_lowercase(), id);
                let entry = OrganizationEntry {
                    name: row.name,
                    provider: row.is_provider,
                };
                self.organizations.insert(id, entry);
            }
            None => {
                for mappings in self.mappings.values_mut() {
                    if let Some(entry) = mappings.remove(id) {
                        self.overrides.remove(&entry.id);
                    }
                }
            }
        }
    }

    /// The mapping of an organization in an integration as it now is, with its overrides.
    pub fn set_mapping(
        &mut self,
        integration_id: IntegrationId,
        organization_id: OrganizationId,
        now: Option<(IndexedMapping, Vec<ValueRow>)>,
    ) {
        let mappings = self.mappings.entry(integration_id).or_default();
        if let Some(old) = mappings.remove(organization_id) {
            self.overrides.remove(&old.id);
        }
        if let Some((row, overrides)) = now {
            let entry = MappingEntry::new(&row, !overrides.is_empty());
            if entry.has_overrides {
                self.overrides.insert(row.id, overrides);
            }
            mappings.insert(organization_id, entry);
        }
    }

    /// Adds a mapping while loading, after the overrides; lookups wait for
    /// [`IndexData::finish_loading`].
    pub fn push_mapping(&mut self, row: &IndexedMapping) {
        let entry = MappingEntry::new(row, self.overrides.contains_key(&row.id));
        self.mappings
            .entry(row.integration_id)
            .or_default()
            .loading
            .push((row.organization_id, entry));
    }

    pub fn finish_loading(&mut self) {
        for mappings in self.mappings.values_mut() {
            mappings.sort_loaded();
        }
    }

    /// The token as it now is (`None`: deleted).
    pub fn set_token(&mut self, id: TokenId, row: Option<OAuthTokenRow>) {
        if let Some(old) = self.tokens.remove(&id) {
            if self.shared_tokens.get(&old.connection_id) == Some(&id) {
                self.shared_tokens.remove(&old.connection_id);
            }
        }
        if let Some(row) = row {
            if row.organization_id.is_none() {
                self.shared_tokens.insert(row.connection_id, id);
            }
            self.tokens.insert(id, row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(id: i64, organization: i64, entity_id: &str) -> IndexedMapping {
        IndexedMapping {
            id: id.into(),
            integration_id: 1.into(),
            organization_id: organization.into(),
            entity_id: entity_id.into(),
            entity_name: "Contoso Ltd".into(),
            oauth_token_id: None,
        }
    }

    fn organization(id: i64, name: &str) -> OrganizationRow {
        OrganizationRow {
            id: id.into(),
            name: name.into(),
            is_provider: false,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_mapping_keeps_its_entity_id_and_name_apart() {
        let entry = MappingEntry::new(&mapping(1, 2, "tenant-7"), false);
        assert_eq!(entry.entity_id(), "tenant-7");
        assert_eq!(entry.entity_name(), "Contoso Ltd");
        let empty = MappingEntry::new(&mapping(1, 2, ""), false);
        assert_eq!(empty.entity_id(), "");
        assert_eq!(empty.entity_name(), "Contoso Ltd");
    }

    #[test]
    fn a_renamed_organization_is_found_by_its_new_name_only_and_a_deleted_one_loses_its_mappings() {
        let mut data = IndexData::default();
        data.set_organization(2.into(), Some(organization(2, "Contoso")));
        data.set_mapping(1.into(), 2.into(), Some((mapping(5, 2, "t"), Vec::new())));
        data.set_organization(2.into(), Some(organization(2, "Fabrikam")));
        assert_eq!(data.organization_named("contoso"), None);
        assert_eq!(data.organization_named("FABRIKAM"), Some(2.into()));
        assert!(data.mapping(1.into(), 2.into()).is_some());
        data.set_organization(2.into(), None);
        assert_eq!(data.organization_named("fabrikam"), None);
        assert!(data.mapping(1.into(), 2.into()).is_none());
    }

    #[test]
    fn mappings_loaded_in_any_order_are_found_and_kept_sorted_as_they_change() {
        let mut data = IndexData::default();
        for organization in [7, 3, 9, 1] {
            data.push_mapping(&mapping(organization * 10, organization, "t"));
        }
        data.finish_loading();
        for organization in [1, 3, 7, 9] {
            let found = data.mapping(1.into(), organization.into());
            assert_eq!(
                found.map(|entry| entry.id),
                Some((organization * 10).into())
            );
        }
        data.set_mapping(1.into(), 5.into(), Some((mapping(50, 5, "u"), Vec::new())));
        data.set_mapping(1.into(), 3.into(), None);
        let order: Vec<i64> = data.mappings[&1.into()]
            .iter()
            .map(|(organization, _)| organization.get())
            .collect();
        assert_eq!(order, [1, 5, 7, 9]);
        assert!(data.mapping(1.into(), 2.into()).is_none());
    }

    #[test]
    fn a_replaced_mapping_drops_the_overrides_of_the_old_one() {
        let mut data = IndexData::default();
        let value = ValueRow {
            id: 9,
            field_id: 3,
            mapping_id: Some(5.into()),
            value: Some("x".into()),
            secret_value: None,
        };
        data.set_mapping(1.into(), 2.into(), Some((mapping(5, 2, "t"), vec![value])));
        assert!(data.overrides.contains_key(&5.into()));
        assert!(data
            .mapping(1.into(), 2.into())
            .is_some_and(|entry| entry.has_overrides));
        data.set_mapping(1.into(), 2.into(), Some((mapping(6, 2, "u"), Vec::new())));
        assert!(data.overrides.is_empty());
        assert_eq!(
            data.mapping(1.into(), 2.into())
                .map(MappingEntry::entity_id),
            Some("u")
        );
        data.set_mapping(1.into(), 2.into(), None);
        assert!(data.mapping(1.into(), 2.into()).is_none());
    }
}
