//! The port of integrations, their defaults, mappings and bulk transfers.

use crate::domain::admin::CurrentAdmin;
use crate::domain::ids::{ConnectionId, IntegrationId, MappingId};
use crate::domain::integration::{
    FieldValueView, IntegrationDeletionImpact, IntegrationDraft, IntegrationOAuthChoice,
    IntegrationSummary, IntegrationView, MappingDraft, MappingSummary, MappingTokenChoice,
    MappingView, OrganizationChoice, ValueInput,
};
use crate::domain::paging::Paged;
use crate::domain::transfer::{DefinitionImported, ImportPreview, ImportSummary};
use crate::error::AppError;

/// Integrations and their schemas.
#[async_trait::async_trait]
pub trait IntegrationServices: Send + Sync {
    async fn integrations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<IntegrationSummary>, AppError>;
    /// By name, in any case.
    async fn integration(&self, name: &str) -> Result<IntegrationView, AppError>;
    async fn create_integration(
        &self,
        admin: &CurrentAdmin,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError>;
    /// Creates the integration linked to the chosen OAuth connection (`None`: no connection);
    /// a connection configured inline is created in the same transaction.
    async fn create_integration_with_oauth(
        &self,
        admin: &CurrentAdmin,
        draft: &IntegrationDraft,
        oauth: Option<&IntegrationOAuthChoice>,
    ) -> Result<IntegrationView, AppError>;
    async fn update_integration(
        &self,
        admin: &CurrentAdmin,
        id: IntegrationId,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError>;
    async fn integration_deletion_impact(
        &self,
        id: IntegrationId,
    ) -> Result<IntegrationDeletionImpact, AppError>;
    async fn delete_integration(
        &self,
        admin: &CurrentAdmin,
        id: IntegrationId,
    ) -> Result<(), AppError>;
    /// Links the integration to an OAuth connection, or unlinks it with `None`.
    async fn link_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        connection_id: Option<ConnectionId>,
    ) -> Result<IntegrationView, AppError>;
}

/// The defaults of the Configuration tab.
#[async_trait::async_trait]
pub trait ConfigurationServices: Send + Sync {
    async fn default_values(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<FieldValueView>, AppError>;
    /// Checks every value, then saves all or none.
    async fn save_defaults(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        inputs: &[ValueInput],
    ) -> Result<Vec<FieldValueView>, AppError>;
}

/// The Mappings tab.
#[async_trait::async_trait]
pub trait MappingServices: Send + Sync {
    async fn mappings(
        &self,
        integration_id: IntegrationId,
        search: &str,
        page: i64,
    ) -> Result<Paged<MappingSummary>, AppError>;
    /// The first organizations without a mapping whose name contains `search`, and how many
    /// there are in all.
    async fn unmapped_organizations(
        &self,
        integration_id: IntegrationId,
        search: &str,
    ) -> Result<Paged<OrganizationChoice>, AppError>;
    async fn mapping(
        &self,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<MappingView, AppError>;
    /// Each field with its override on a mapping (none for `None`, a new mapping) and default.
    async fn override_values(
        &self,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
    ) -> Result<Vec<FieldValueView>, AppError>;
    async fn create_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError>;
    async fn update_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
        draft: &MappingDraft,
    ) -> Result<MappingSummary, AppError>;
    /// Saves a mapping (a new one for `mapping_id` `None`) and links the OAuth token chosen.
    /// The choice is checked before anything is written; a save the link then fails keeps the
    /// mapping and reports the link's error.
    async fn save_mapping_with_token(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: Option<MappingId>,
        draft: &MappingDraft,
        token: MappingTokenChoice,
    ) -> Result<MappingSummary, AppError>;
    async fn delete_mapping(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        mapping_id: MappingId,
    ) -> Result<(), AppError>;
}

/// Bulk work: the mappings CSV and integration definitions.
#[async_trait::async_trait]
pub trait TransferServices: Send + Sync {
    /// Every mapping with its non-secret overrides, as CSV.
    async fn mappings_csv(&self, integration_name: &str) -> Result<String, AppError>;
    /// What importing the CSV would do, row by row; writes nothing.
    async fn preview_mapping_import(
        &self,
        integration_id: IntegrationId,
        csv_text: &str,
    ) -> Result<ImportPreview, AppError>;
    /// Imports every row, or none when any row is bad.
    async fn import_mapping_csv(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        csv_text: &str,
    ) -> Result<ImportSummary, AppError>;
    /// Schema, non-secret defaults and entity ID settings, as JSON.
    async fn definition_json(&self, name: &str) -> Result<String, AppError>;
    async fn import_definition(
        &self,
        admin: &CurrentAdmin,
        json_text: &str,
    ) -> Result<DefinitionImported, AppError>;
}
