//! Auto-match on the Mappings tab: every unmapped organization against every entity of the
//! source's list that no mapping uses (rules in `mappings::auto_match`), and the accepted
//! proposals written as mappings in one transaction, one audit entry each.

use std::collections::{HashMap, HashSet};

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{IntegrationId, OrganizationId};
use app::domain::integration::{AcceptedMatch, AutoMatchView, EntityView, MatchProposalView};
use app::error::AppError;
use serde_json::json;

use crate::services::auto_match::{propose_matches, UnmappedEntity, UnmappedOrganization};
use crate::services::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::mappings::{MappingDetails, MappingImport, OrganizationChoiceRow};
use crate::store::StoreError;
use crate::time::now_millis;

/// More organizations than any MSP has; the read is bounded all the same.
const MAX_ORGANIZATIONS: i64 = 100_000;
const FIELD: &str = "matches";

impl ServerServices {
    pub(super) async fn auto_match_proposals(
        &self,
        integration_id: IntegrationId,
    ) -> Result<AutoMatchView, AppError> {
        let list = self.entity_list(integration_id, false).await?;
        let organizations = self.unmapped_organization_rows(integration_id).await?;
        let mapped = self.mapped_entities(integration_id).await?;
        let entities: Vec<&EntityView> = list
            .entities
            .iter()
            .filter(|entity| !mapped.contains(&entity.id))
            .collect();
        let unmapped: Vec<UnmappedOrganization<'_>> = organizations
            .iter()
            .map(|row| UnmappedOrganization {
                id: row.id,
                name: &row.name,
            })
            .collect();
        let candidates: Vec<UnmappedEntity<'_>> = entities
            .iter()
            .map(|entity| UnmappedEntity {
                id: &entity.id,
                name: &entity.name,
            })
            .collect();
        let proposals = propose_matches(&unmapped, &candidates)
            .into_iter()
            .map(|proposal| MatchProposalView {
                organization_id: organizations[proposal.organization].id,
                organization_name: organizations[proposal.organization].name.clone(),
                entity_id: entities[proposal.entity].id.clone(),
                entity_name: entities[proposal.entity].name.clone(),
                score: proposal.score,
                exact: proposal.exact,
            })
            .collect();
        Ok(AutoMatchView {
            proposals,
            unmapped_organizations: organizations.len(),
            unmapped_entities: entities.len(),
            list_truncated: list.truncated,
        })
    }

    /// Maps each accepted organization to its entity (named as the list names it), all or none.
    pub(super) async fn write_accepted_matches(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        accepted: &[AcceptedMatch],
    ) -> Result<usize, AppError> {
        if accepted.is_empty() {
            return Err(AppError::invalid(FIELD, "choose at least one proposal"));
        }
        let integration = self.integration_row_by_id(integration_id).await?;
        let list = self.entity_list(integration_id, false).await?;
        let names: HashMap<&str, &str> = list
            .entities
            .iter()
            .map(|entity| (entity.id.as_str(), entity.name.as_str()))
            .collect();
        let unmapped: HashSet<OrganizationId> = self
            .unmapped_organization_rows(integration_id)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        let mapped = self.mapped_entities(integration_id).await?;
        let imports = planned_imports(integration_id, accepted, &names, &unmapped, &mapped)?;
        self.store
            .import_mappings(
                &self.keyring,
                &imports,
                &actor_of(admin),
                &integration.name,
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => AppError::Conflict(
                    "the mappings changed meanwhile; run Auto-match again".into(),
                ),
                other => internal(other),
            })?;
        Ok(imports.len())
    }

    async fn unmapped_organization_rows(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<OrganizationChoiceRow>, AppError> {
        Ok(self
            .store
            .unmapped_organizations(integration_id, "", MAX_ORGANIZATIONS, 0)
            .await
            .map_err(internal)?
            .items)
    }

    pub(super) async fn mapped_entities(
        &self,
        integration_id: IntegrationId,
    ) -> Result<HashSet<String>, AppError> {
        Ok(self
            .store
            .mapped_entity_ids(integration_id)
            .await
            .map_err(internal)?
            .into_iter()
            .collect())
    }
}

/// The mappings to write, checked: each entity in the list and unused, each organization
/// unmapped, and none of either chosen twice.
fn planned_imports(
    integration_id: IntegrationId,
    accepted: &[AcceptedMatch],
    names: &HashMap<&str, &str>,
    unmapped: &HashSet<OrganizationId>,
    mapped: &HashSet<String>,
) -> Result<Vec<MappingImport>, AppError> {
    let mut organizations = HashSet::new();
    let mut used = HashSet::new();
    let mut imports = Vec::with_capacity(accepted.len());
    for choice in accepted {
        let Some(name) = names.get(choice.entity_id.as_str()) else {
            return Err(AppError::invalid(
                FIELD,
                &format!(
                    "entity {} is not in the entity list; refresh the list and match again",
                    choice.entity_id
                ),
            ));
        };
        if !unmapped.contains(&choice.organization_id)
            || !organizations.insert(choice.organization_id)
        {
            return Err(AppError::invalid(
                FIELD,
                &format!(
                    "organization {} is mapped already, or chosen twice",
                    choice.organization_id
                ),
            ));
        }
        if mapped.contains(&choice.entity_id) || !used.insert(choice.entity_id.as_str()) {
            return Err(AppError::invalid(
                FIELD,
                &format!(
                    "entity {} is mapped already, or chosen twice",
                    choice.entity_id
                ),
            ));
        }
        imports.push(MappingImport {
            mapping_id: None,
            details: MappingDetails {
                integration_id,
                organization_id: choice.organization_id,
                entity_id: choice.entity_id.clone(),
                entity_name: (*name).to_string(),
            },
            overrides: Vec::new(),
            changes: json!({
                "entity_id": change(None, Some(&choice.entity_id)),
                "source": "auto-match",
            }),
        });
    }
    Ok(imports)
}
