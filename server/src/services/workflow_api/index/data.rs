//! What the resolve index holds, and how one changed row updates it. Compact where the dataset
//! is large (a mapping is one allocation), plain rows where it is small (integrations, fields,
//! defaults, keys, tokens).

use std::collections::HashMap;
use std::sync::Arc;

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

/// A mapping in one allocation: the entity ID and name side by side. 48 bytes beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingEntry {
    pub organization: OrganizationId,
    pub id: MappingId,
    /// The linked token's id; 0 for none (ids start at 1).
    token: i64,
    text: Box<str>,
    split: u32,
}

impl MappingEntry {
    pub fn new(row: &IndexedMapping) -> MappingEntry {
        MappingEntry {
            organization: row.organization_id,
            id: row.id,
            token: row.oauth_token_id.map_or(0, TokenId::get),
            text: format!("{}{}", row.entity_id, row.entity_name).into_boxed_str(),
            split: u32::try_from(row.entity_id.len()).unwrap_or(u32::MAX),
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

/// One integration's mappings, sorted by organization: a million take a sorted array's 48 MB
/// rather than a hash table's 80 (whose buckets are a power of two, a third of them empty).
#[derive(Debug, Default)]
pub struct IntegrationMappings {
    entries: Vec<MappingEntry>,
    sorted: bool,
}

impl IntegrationMappings {
    fn position(&self, organization: OrganizationId) -> Result<usize, usize> {
        self.entries
            .binary_search_by_key(&organization, |entry| entry.organization)
    }

    pub fn get(&self, organization: OrganizationId) -> Option<&MappingEntry> {
        self.entries.get(self.position(organization).ok()?)
    }

    pub fn remove(&mut self, organization: OrganizationId) -> Option<MappingEntry> {
        Some(self.entries.remove(self.position(organization).ok()?))
    }

    pub fn insert(&mut self, entry: MappingEntry) {
        match self.position(entry.organization) {
            Ok(at) => self.entries[at] = entry,
            Err(at) => self.entries.insert(at, entry),
        }
    }

    /// Adds while loading, unsorted: [`IndexData::finish_loading`] sorts.
    fn push(&mut self, entry: MappingEntry) {
        self.sorted = false;
        self.entries.push(entry);
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.entries
                .sort_unstable_by_key(|entry| entry.organization);
            self.entries.shrink_to_fit();
            self.sorted = true;
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &MappingEntry> {
        self.entries.iter()
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
                for entry in mappings.iter() {
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
            if !overrides.is_empty() {
                self.overrides.insert(row.id, overrides);
            }
            mappings.insert(MappingEntry::new(&row));
        }
    }

    /// Adds a mapping while loading (overrides come separately); lookups wait for
    /// [`IndexData::finish_loading`].
    pub fn push_mapping(&mut self, row: &IndexedMapping) {
        self.mappings
            .entry(row.integration_id)
            .or_default()
            .push(MappingEntry::new(row));
    }

    pub fn finish_loading(&mut self) {
        for mappings in self.mappings.values_mut() {
            mappings.sort();
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
        let entry = MappingEntry::new(&mapping(1, 2, "tenant-7"));
        assert_eq!(entry.entity_id(), "tenant-7");
        assert_eq!(entry.entity_name(), "Contoso Ltd");
        let empty = MappingEntry::new(&mapping(1, 2, ""));
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
            .map(|entry| entry.organization.get())
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
