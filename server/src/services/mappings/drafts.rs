//! Saving a mapping draft: its entity texts checked, its overrides planned against the
//! mapping's current ones, and the audit entry's changes.

use app::domain::ids::{IntegrationId, OrganizationId};
use app::domain::integration::{parse_text, MappingDraft, MAX_ENTITY_TEXT_CHARS};
use app::error::AppError;
use serde_json::{Map, Value};

use crate::services::changes::record_changes;
use crate::services::configuration::plan_writes;
use crate::services::ServerServices;
use crate::store::audit::Actor;
use crate::store::config_values::FieldWrite;
use crate::store::integrations::IntegrationRow;
use crate::store::mappings::{MappingAudit, MappingDetails, MappingRow};

fn override_field(key: &str) -> String {
    format!("overrides.{key}")
}

/// A mapping's entity ID (required) and entity name, checked.
pub(crate) fn entity_texts(
    entity_id: &str,
    entity_name: &str,
) -> Result<(String, String), AppError> {
    let entity_id = parse_text("entity_id", entity_id, MAX_ENTITY_TEXT_CHARS, false)?;
    if entity_id.is_empty() {
        return Err(AppError::invalid("entity_id", "is required"));
    }
    let entity_name = parse_text("entity_name", entity_name, MAX_ENTITY_TEXT_CHARS, false)?;
    Ok((entity_id, entity_name))
}

/// What saving a mapping draft writes: the mapping's columns, its overrides and the audit
/// entry's changes.
pub(super) struct MappingSave {
    pub details: MappingDetails,
    pub writes: Vec<FieldWrite>,
    changes: Map<String, Value>,
}

impl MappingSave {
    pub fn audit<'a>(&self, actor: &'a Actor, integration: &'a IntegrationRow) -> MappingAudit<'a> {
        MappingAudit {
            actor,
            integration_name: &integration.name,
            changes: Value::Object(self.changes.clone()),
        }
    }
}

impl ServerServices {
    /// Checks a draft's overrides against the mapping's current ones (none for a new mapping,
    /// `before` `None`) and plans the save of the mapping of `(integration_id, organization_id)`.
    pub(super) async fn plan_mapping_save(
        &self,
        before: Option<&MappingRow>,
        (integration_id, organization_id): (IntegrationId, OrganizationId),
        (entity_id, entity_name): (String, String),
        draft: &MappingDraft,
    ) -> Result<MappingSave, AppError> {
        let fields = self.fields_of(integration_id).await?;
        let current = self
            .overrides_by_field(integration_id, before.map(|mapping| mapping.id))
            .await?;
        let planned = plan_writes(&fields, &current, &draft.overrides, override_field)?;
        let mut changes = planned.changes;
        let entity_changes = [
            (
                "entity_id",
                before.map(|mapping| mapping.entity_id.as_str()),
                entity_id.as_str(),
            ),
            (
                "entity_name",
                before.map(|mapping| mapping.entity_name.as_str()),
                entity_name.as_str(),
            ),
        ];
        record_changes(&mut changes, entity_changes);
        Ok(MappingSave {
            details: MappingDetails {
                integration_id,
                organization_id,
                entity_id,
                entity_name,
            },
            writes: planned.writes,
            changes,
        })
    }
}
