//! Mapping rules: one mapping per organization and integration, an entity ID always, overrides
//! checked against their fields' types like defaults.

use app::domain::ids::{IntegrationId, MappingId, OrganizationId, TokenId};
use std::collections::HashSet;

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{
    FieldValueView, MappingDraft, MappingSummary, MappingTokenChoice, MappingView,
    OrganizationChoice, MAPPINGS_PER_PAGE,
};
use app::domain::oauth::TokenState;
use app::domain::paging::{PageRequest, Paged};
use app::error::AppError;
use app::ssr::{MappingServices, OAuthTokenServices};
use serde_json::Value;

use super::configuration::{schema_changed_meanwhile, shown};
use super::integrations::field_view;
use super::{actor_of, internal, ServerServices};
use crate::store::audit::Actor;
use crate::store::mappings::{MappingAudit, MappingRow};
use crate::store::StoreError;
use crate::time::now_millis;

pub mod auto_match;
mod drafts;
mod token_choice;

pub(crate) use drafts::entity_texts;

/// How many unmapped organizations the Add Mapping form offers per search.
const ORGANIZATION_CHOICES: i64 = 50;

fn mapping_not_found() -> AppError {
    AppError::NotFound("the mapping".to_string())
}

fn summary(row: MappingRow, missing_required: Vec<String>) -> MappingSummary {
    let detected_entity_id = row
        .detected_entity_id
        .filter(|detected| !detected.is_empty() && *detected != row.entity_id);
    MappingSummary {
        id: row.id,
        organization_id: row.organization_id,
        organization_name: row.organization_name,
        entity_id: row.entity_id,
        entity_name: row.entity_name,
        override_count: row.override_count,
        missing_required,
        oauth_token: row
            .oauth_token_id
            .zip(row.oauth_token_status.as_deref().map(TokenState::parse)),
        detected_entity_id,
    }
}

#[async_trait::async_trait]
impl MappingServices for ServerServices {
    /// One page of an integration's mappings, each with the required fields it still lacks.
    async fn mappings(
        &self,
        integration_id: IntegrationId,
        search: &str,
        page: i64,
    ) -> Result<Paged<MappingSummary>, AppError> {
        let request = PageRequest::new(page, MAPPINGS_PER_PAGE);
        let rows = self
            .store
            .list_mappings(
                integration_id,
                search.trim(),
                request.per_page,
                request.offset(),
            )
            .await
            .map_err(internal)?;
        let items = self.summaries(integration_id, rows.items).await?;
        Ok(request.of(items, rows.total))
    }

    /// Organizations that can still be mapped, by name.
    async fn unmapped_organizations(
        &self,
        integration_id: IntegrationId,
        search: &str,
    ) -> Result<Paged<OrganizationChoice>, AppError> {
        let rows = self
            .store
            .unmapped_organizations(integration_id, search.trim(), ORGANIZATION_CHOICES, 0)
            .await
            .map_err(internal)?;
        Ok(Paged {
            items: rows
                .items
                .into_iter()
                .map(|row| OrganizationChoice {
                    id: row.id,
                    name: row.name,
                })
                .collect(),
            total: rows.total,
            page: 1,
            per_page: ORGANIZATION_CHOICES,
        })
    }

    async fn mapping(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<MappingView, AppError> {
        let row = self.mapping_row(integration_id, mapping_id).await?;
        let values = self
            .override_values(integration_id, Some(mapping_id))
            .await?;
        Ok(MappingView {
            id: row.id,
            organization_id: row.organization_id,
            organization_name: row.organization_name,
            entity_id: row.entity_id,
            entity_name: row.entity_name,
            values,
            oauth_token_id: row.oauth_token_id,
        })
    }

    /// Each field with a mapping's override (none for a new mapping) and the default.
    async fn override_values(
        &self,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<Vec<FieldValueView>, AppError> {
        let fields = self.fields_of(integration_id).await?;
        let defaults = self.defaults_by_field(integration_id).await?;
        let overrides = self.overrides_by_field(integration_id, mapping_id).await?;
        Ok(fields
            .iter()
            .map(|row| {
                let field = field_view(row);
                let value = shown(&field, overrides.get(&row.id));
                let default = shown(&field, defaults.get(&row.id));
                FieldValueView {
                    field,
                    value,
                    default,
                }
            })
            .collect())
    }

    async fn create_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let entity = entity_texts(&draft.entity_id, &draft.entity_name)?;
        let organization = self
            .store
            .find_organization(draft.organization_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::invalid("organization_id", "choose an organization"))?;
        let save = self
            .plan_mapping_save(None, (integration_id, organization.id), entity, draft)
            .await?;
        let actor = actor_of(admin);
        let row = self
            .store
            .create_mapping(
                &self.keyring,
                &save.details,
                &save.writes,
                save.audit(&actor, &integration),
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => AppError::invalid(
                    "organization_id",
                    &format!(
                        "{} is already mapped in this integration",
                        organization.name
                    ),
                ),
                other => schema_changed_meanwhile(other),
            })?;
        Ok(summary(row, Vec::new()))
    }

    async fn update_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let before = self.mapping_row(integration_id, mapping_id).await?;
        let entity = entity_texts(&draft.entity_id, &draft.entity_name)?;
        let owner = (integration_id, before.organization_id);
        let save = self
            .plan_mapping_save(Some(&before), owner, entity, draft)
            .await?;
        let actor = actor_of(admin);
        let row = self
            .store
            .update_mapping(
                &self.keyring,
                mapping_id,
                &save.details,
                &save.writes,
                save.audit(&actor, &integration),
                now_millis(),
            )
            .await
            .map_err(schema_changed_meanwhile)?
            .ok_or_else(mapping_not_found)?;
        Ok(summary(row, Vec::new()))
    }

    async fn save_mapping_with_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
        draft: &MappingDraft,
        token: MappingTokenChoice,
    ) -> Result<MappingSummary, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let (organization_id, linked) = match mapping_id {
            Some(id) => {
                let before = self.mapping_row(integration_id, id).await?;
                (before.organization_id, before.oauth_token_id)
            }
            None => (draft.organization_id, None),
        };
        let link = self
            .check_token_choice(&integration, organization_id, token)
            .await?;
        let saved = match mapping_id {
            Some(id) => {
                self.update_mapping(admin, integration_id, id, draft)
                    .await?
            }
            None => self.create_mapping(admin, integration_id, draft).await?,
        };
        if let Some(token_id) = link.filter(|token_id| *token_id != linked) {
            self.link_mapping_token(admin, integration_id, saved.id, token_id)
                .await?;
        }
        Ok(saved)
    }

    async fn delete_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<(), AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let actor = actor_of(admin);
        let audit = MappingAudit {
            actor: &actor,
            integration_name: &integration.name,
            changes: Value::Object(Default::default()),
        };
        let removed = self
            .store
            .delete_mapping(integration_id, mapping_id, audit, now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(mapping_not_found)?;
        if let Some(token_id) = removed.oauth_token_id {
            self.disconnect_unused_token(&actor, token_id, removed.organization_id)
                .await?;
        }
        Ok(())
    }
}

impl ServerServices {
    /// The mapping of the integration, or "not found".
    pub(crate) async fn mapping_row(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<MappingRow, AppError> {
        self.store
            .find_mapping(integration_id, mapping_id)
            .await
            .map_err(internal)?
            .ok_or_else(mapping_not_found)
    }

    /// The summaries of a page of mappings, each with the required fields it still lacks (no
    /// default and no override).
    async fn summaries(
        &self,
        integration_id: IntegrationId,
        rows: Vec<MappingRow>,
    ) -> Result<Vec<MappingSummary>, AppError> {
        let fields = self.fields_of(integration_id).await?;
        let defaults = self.defaults_by_field(integration_id).await?;
        let unfilled: Vec<_> = fields
            .iter()
            .filter(|field| field.required && !defaults.contains_key(&field.id))
            .collect();
        let overridden: HashSet<(MappingId, i64)> = if unfilled.is_empty() {
            HashSet::new()
        } else {
            let ids: Vec<MappingId> = rows.iter().map(|row| row.id).collect();
            self.store
                .overridden_fields(integration_id, &ids)
                .await
                .map_err(internal)?
                .into_iter()
                .collect()
        };
        let items = rows
            .into_iter()
            .map(|row| {
                let missing = unfilled
                    .iter()
                    .filter(|field| !overridden.contains(&(row.id, field.id)))
                    .map(|field| field.field_key.clone())
                    .collect();
                summary(row, missing)
            })
            .collect();
        Ok(items)
    }

    /// The organization's own token that the removed mapping linked is disconnected and revoked
    /// once no other mapping links it; the shared token and tokens still in use stay.
    async fn disconnect_unused_token(
        &self,
        actor: &Actor,
        token_id: TokenId,
        organization_id: OrganizationId,
    ) -> Result<(), AppError> {
        let Some(token) = self
            .store
            .find_oauth_token(token_id)
            .await
            .map_err(internal)?
        else {
            return Ok(());
        };
        let still_linked = self
            .store
            .mappings_linking_token(token_id)
            .await
            .map_err(internal)?;
        if token.organization_id != Some(organization_id) || still_linked > 0 {
            return Ok(());
        }
        if let Some(before) = self
            .store
            .disconnect_oauth_token(token_id, actor, now_millis())
            .await
            .map_err(internal)?
        {
            self.revoke_each_quietly(actor, std::slice::from_ref(&before))
                .await;
        }
        Ok(())
    }
}
