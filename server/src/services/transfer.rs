//! Bulk work: the mappings CSV (export, a preview that reports every bad row, an import that
//! writes all rows or none) and an integration's JSON definition (export without secrets,
//! import that reports the secrets still to fill in).

mod csv_cells;
mod csv_import;
mod definitions;
mod mappings_csv;

use app::domain::admin::CurrentAdmin;
use app::domain::ids::IntegrationId;
use app::domain::transfer::{DefinitionImported, ImportPreview, ImportSummary};
use app::error::AppError;
use app::ssr::TransferServices;

use super::{actor_of, internal, ServerServices};
use crate::store::StoreError;
use crate::time::now_millis;

fn changed_since_preview(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::Conflict("the mappings changed since the preview; preview again".into())
        }
        other => internal(other),
    }
}

#[async_trait::async_trait]
impl TransferServices for ServerServices {
    async fn mappings_csv(&self, integration_name: &str) -> Result<String, AppError> {
        self.export_mappings_csv(integration_name).await
    }

    async fn preview_mapping_import(
        &self,
        integration_id: IntegrationId,
        csv_text: &str,
    ) -> Result<ImportPreview, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let plan = self.plan_import(&integration, csv_text).await?;
        Ok(plan.preview())
    }

    async fn import_mapping_csv(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        csv_text: &str,
    ) -> Result<ImportSummary, AppError> {
        let integration = self.integration_row_by_id(integration_id).await?;
        let plan = self.plan_import(&integration, csv_text).await?;
        let summary = plan.summary()?;
        self.store
            .import_mappings(
                &self.keyring,
                &plan.imports,
                &actor_of(admin),
                &integration.name,
                now_millis(),
            )
            .await
            .map_err(changed_since_preview)?;
        Ok(summary)
    }

    async fn definition_json(&self, name: &str) -> Result<String, AppError> {
        self.export_definition(name).await
    }

    async fn import_definition(
        &self,
        admin: &CurrentAdmin,
        json_text: &str,
    ) -> Result<DefinitionImported, AppError> {
        self.import_definition_file(admin, json_text).await
    }
}
