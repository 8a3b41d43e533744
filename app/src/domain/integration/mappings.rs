//! Mappings: one customer organization's entity ID in the external system, with its overrides
//! and its own OAuth token, as the Mappings tab lists, edits and sends them.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{MappingId, OrganizationId, TokenId};

use super::{FieldValueView, ValueInput};

/// A mapping as the Mappings tab lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingSummary {
    pub id: MappingId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub override_count: i64,
    /// Required fields with neither a default nor an override.
    pub missing_required: Vec<String>,
    /// The organization-specific OAuth token linked to the mapping and where it stands;
    /// `None` when the mapping uses the shared token.
    pub oauth_token: Option<(TokenId, crate::domain::oauth::TokenState)>,
    /// The entity ID the provider reported when the organization connected, when it differs
    /// from the mapping's: the admin may adopt it.
    pub detected_entity_id: Option<String>,
}

/// The Add/Edit Mapping form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingDraft {
    pub organization_id: OrganizationId,
    pub entity_id: String,
    pub entity_name: String,
    pub overrides: Vec<ValueInput>,
}

/// The Add/Edit Mapping form's "OAuth token": which token the organization's workflows get.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "token_id", rename_all = "snake_case")]
pub enum MappingTokenChoice {
    /// Leave the link as it is (a new mapping uses the shared token).
    #[default]
    Unchanged,
    /// The integration's shared token.
    Shared,
    /// A token this organization already has on the integration's connection.
    Own(TokenId),
    /// Save the mapping, then start the provider's consent for this organization; the token
    /// that comes back is linked to the mapping.
    ConnectAfterSaving,
}

impl MappingTokenChoice {
    /// The choice a `<select>` value names: `shared`, `connect`, or a token's id.
    pub fn parse(value: &str) -> Option<MappingTokenChoice> {
        match value {
            "" | "shared" => Some(MappingTokenChoice::Shared),
            "connect" => Some(MappingTokenChoice::ConnectAfterSaving),
            id => id.parse().ok().map(MappingTokenChoice::Own),
        }
    }

    /// The `<select>` value that names the choice.
    pub fn value(self) -> String {
        match self {
            MappingTokenChoice::Unchanged | MappingTokenChoice::Shared => "shared".to_string(),
            MappingTokenChoice::ConnectAfterSaving => "connect".to_string(),
            MappingTokenChoice::Own(id) => id.to_string(),
        }
    }
}

/// One mapping with its overrides, for the edit form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    pub id: MappingId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub entity_id: String,
    pub entity_name: String,
    pub values: Vec<FieldValueView>,
    /// The organization-specific OAuth token linked to the mapping, if any.
    pub oauth_token_id: Option<TokenId>,
}

/// An organization that can still be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub id: OrganizationId,
    pub name: String,
}
