//! Reading the index from the store: whole, in bounded chunks, or the rows the change log names
//! since a generation.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use app::domain::ids::{IntegrationId, MappingId, OrganizationId, TokenId};

use super::data::{IndexData, IntegrationEntry, Settings};
use crate::store::change_log::{ChangeEntry, IndexedMapping};
use crate::store::config_values::ValueRow;
use crate::store::oauth_tokens::OAuthTokenRow;
use crate::store::organizations::OrganizationRow;
use crate::store::{Store, StoreError};

/// Rows per read while loading whole: bounds the memory a load needs beside the index.
const CHUNK: i64 = 20_000;

/// The whole index, as of a generation read before anything else.
pub async fn load_whole(store: &Store) -> Result<IndexData, StoreError> {
    let mut data = IndexData {
        generation: store.change_generation().await?,
        settings: load_settings(store).await?,
        ..IndexData::default()
    };
    for row in store.all_organizations().await? {
        data.set_organization(row.id, Some(row));
    }
    for row in store.all_oauth_tokens().await? {
        data.set_token(row.id, Some(row));
    }
    // Overrides first, so each mapping knows as it is added whether it has any.
    let mut after = 0;
    loop {
        let chunk = store.overrides_after(after, CHUNK).await?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        for value in chunk {
            if let Some(mapping_id) = value.mapping_id {
                data.overrides.entry(mapping_id).or_default().push(value);
            }
        }
    }
    let mut after = MappingId::from(0);
    loop {
        let chunk = store.indexed_mappings_after(after, CHUNK).await?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        for row in &chunk {
            data.push_mapping(row);
        }
    }
    data.finish_loading();
    Ok(data)
}

async fn load_settings(store: &Store) -> Result<Settings, StoreError> {
    let grants: HashMap<_, _> = store
        .all_connection_grants()
        .await?
        .into_iter()
        .map(|grant| (grant.id, grant.grant_type))
        .collect();
    let mut fields: HashMap<IntegrationId, Vec<_>> = HashMap::new();
    for field in store.all_fields().await? {
        fields.entry(field.integration_id).or_default().push(field);
    }
    let mut defaults: HashMap<IntegrationId, HashMap<i64, ValueRow>> = HashMap::new();
    for row in store.all_default_values().await? {
        let by_field = defaults.entry(row.integration_id).or_default();
        by_field.insert(row.value.field_id, row.value);
    }
    let integrations = store
        .all_integrations()
        .await?
        .into_iter()
        .map(|row| {
            let entry = IntegrationEntry {
                fields: fields.remove(&row.id).unwrap_or_default(),
                defaults: defaults.remove(&row.id).unwrap_or_default(),
                grant_type: row
                    .oauth_connection_id
                    .and_then(|id| grants.get(&id).cloned()),
                defaults_json: std::sync::OnceLock::new(),
                row,
            };
            (entry.row.name.to_lowercase(), Arc::new(entry))
        })
        .collect();
    let keys = store
        .all_unrevoked_api_keys()
        .await?
        .into_iter()
        .map(|key| (key.key_hash.clone(), key))
        .collect();
    Ok(Settings { integrations, keys })
}

/// The rows changed since a generation, read after the log said which: applied in one step.
#[derive(Default)]
pub struct Changes {
    generation: i64,
    settings: Option<Settings>,
    organizations: Vec<(OrganizationId, Option<OrganizationRow>)>,
    mappings: Vec<(MappingKey, Option<MappingNow>)>,
    tokens: Vec<(TokenId, Option<OAuthTokenRow>)>,
}

type MappingKey = (IntegrationId, OrganizationId);
/// A mapping as it now is, with its overrides.
type MappingNow = (IndexedMapping, Vec<ValueRow>);

impl Changes {
    pub fn apply(self, data: &mut IndexData) {
        if let Some(settings) = self.settings {
            data.set_settings(settings);
        }
        for (id, row) in self.organizations {
            data.set_organization(id, row);
        }
        for ((integration_id, organization_id), now) in self.mappings {
            data.set_mapping(integration_id, organization_id, now);
        }
        for (id, row) in self.tokens {
            data.set_token(id, row);
        }
        data.generation = data.generation.max(self.generation);
    }
}

/// What the log names since `since`, read from the store; `None` when the log cannot say (more
/// than `limit` entries, or pruned past `since`): then the index reloads whole.
pub async fn catch_up(
    store: &Store,
    since: i64,
    limit: i64,
) -> Result<Option<Changes>, StoreError> {
    let generation = store.change_generation().await?;
    let entries = store.changes_after(since, limit + 1).await?;
    // Read after the entries: a prune that finished before them shows here.
    if store.change_log_pruned_through().await? > since
        || i64::try_from(entries.len()).unwrap_or(i64::MAX) > limit
    {
        return Ok(None);
    }
    let named = Named::of(&entries);
    let newest = entries.last().map_or(0, |entry| entry.generation);
    let mut changes = Changes {
        generation: generation.max(newest),
        ..Changes::default()
    };
    if named.settings {
        changes.settings = Some(load_settings(store).await?);
    }
    for id in named.organizations {
        changes
            .organizations
            .push((id, store.find_organization(id).await?));
    }
    let mut mappings = named.mappings;
    for mapping_id in named.overridden {
        // A mapping that is gone was logged itself.
        if let Some(row) = store.indexed_mapping_by_id(mapping_id).await? {
            mappings.insert((row.integration_id, row.organization_id));
        }
    }
    for (integration_id, organization_id) in mappings {
        let row = store
            .indexed_mapping(integration_id, organization_id)
            .await?;
        let now = match row {
            Some(row) => {
                let overrides = store.overrides_of(row.id).await?;
                Some((row, overrides))
            }
            None => None,
        };
        changes
            .mappings
            .push(((integration_id, organization_id), now));
    }
    for id in named.tokens {
        changes.tokens.push((id, store.find_oauth_token(id).await?));
    }
    Ok(Some(changes))
}

/// The rows a run of log entries names, each once.
#[derive(Default)]
struct Named {
    settings: bool,
    organizations: HashSet<OrganizationId>,
    mappings: HashSet<MappingKey>,
    /// Mappings whose overrides changed.
    overridden: HashSet<MappingId>,
    tokens: HashSet<TokenId>,
}

impl Named {
    fn of(entries: &[ChangeEntry]) -> Named {
        let mut named = Named::default();
        for entry in entries {
            let (first, second) = (entry.first_id, entry.second_id);
            match (entry.kind.as_str(), first, second) {
                ("organization", Some(id), _) => {
                    named.organizations.insert(id.into());
                }
                ("mapping", Some(integration), Some(organization)) => {
                    named
                        .mappings
                        .insert((integration.into(), organization.into()));
                }
                ("value", _, Some(mapping)) => {
                    named.overridden.insert(mapping.into());
                }
                ("token", Some(id), _) => {
                    named.tokens.insert(id.into());
                }
                // Settings, a default value, and anything this version does not know.
                _ => named.settings = true,
            }
        }
        named
    }
}
