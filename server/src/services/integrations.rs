//! Integration rules: unique names in any case, a schema whose keys are identifiers, type
//! changes only while every stored value still parses, removals of fields with values only
//! after the admin confirmed.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{ConnectionId, IntegrationId};
use app::domain::integration::{
    schema_field_name, FieldType, IntegrationDeletionImpact, IntegrationDraft,
    IntegrationOAuthChoice, IntegrationSummary, IntegrationView, OAuthLink, SchemaFieldView,
    ValidIntegration, INTEGRATIONS_PER_PAGE,
};
use app::domain::oauth::TokenState;
use app::domain::paging::{PageRequest, Paged};
use app::error::AppError;
use app::ssr::IntegrationServices;
use serde_json::{json, Map, Value};

use super::changes::record_changes;
use super::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::integrations::{FieldPlan, FieldRow, IntegrationDetails, IntegrationRow};
use crate::store::StoreError;
use crate::time::now_millis;

mod inline_oauth;
mod schema_checks;

pub(crate) fn not_found() -> AppError {
    AppError::NotFound("the integration".to_string())
}

fn changed_meanwhile() -> AppError {
    AppError::Conflict(
        "This integration was changed by someone else after you opened it; reload the page to see the changes, then edit again."
            .to_string(),
    )
}

fn name_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::invalid("name", "an integration with this name already exists")
        }
        other => internal(other),
    }
}

pub(crate) fn field_view(row: &FieldRow) -> SchemaFieldView {
    SchemaFieldView {
        id: row.id,
        key: row.field_key.clone(),
        // The column's CHECK constraint admits only the five types.
        field_type: FieldType::parse(&row.field_type).unwrap_or(FieldType::String),
        required: row.required,
        description: row.description.clone(),
    }
}

fn details_of(draft: &ValidIntegration) -> IntegrationDetails {
    IntegrationDetails {
        name: draft.name.clone(),
        description: draft.description.clone(),
        entity_id_name: draft.entity_id_name.clone(),
        default_entity_id: draft.default_entity_id.clone(),
    }
}

fn plans_of(draft: &ValidIntegration) -> Vec<FieldPlan> {
    draft
        .fields
        .iter()
        .map(|field| FieldPlan {
            id: field.id,
            key: field.key.clone(),
            field_type: field.field_type.as_str(),
            required: field.required,
            description: field.description.clone(),
        })
        .collect()
}

fn schema_summary<'a>(fields: impl Iterator<Item = (&'a str, &'a str, bool)>) -> String {
    fields
        .map(|(key, kind, required)| {
            format!("{key}: {kind}{}", if required { " (required)" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The audit entry's changed fields between two versions; secrets never appear in either.
fn audit_changes(
    before: Option<(&IntegrationRow, &[FieldRow])>,
    after: &ValidIntegration,
) -> Value {
    let mut changes = Map::new();
    let after_schema = schema_summary(
        after
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.field_type.as_str(), f.required)),
    );
    let old_row = before.map(|(row, _)| row);
    let old_schema = before.map(|(_, fields)| {
        schema_summary(
            fields
                .iter()
                .map(|f| (f.field_key.as_str(), f.field_type.as_str(), f.required)),
        )
    });
    let pairs = [
        (
            "name",
            old_row.map(|r| r.name.as_str()),
            after.name.as_str(),
        ),
        (
            "description",
            old_row.map(|r| r.description.as_str()),
            after.description.as_str(),
        ),
        (
            "entity_id_name",
            old_row.map(|r| r.entity_id_name.as_str()),
            after.entity_id_name.as_str(),
        ),
        (
            "default_entity_id",
            old_row.map(|r| r.default_entity_id.as_str()),
            after.default_entity_id.as_str(),
        ),
        ("schema", old_schema.as_deref(), after_schema.as_str()),
    ];
    record_changes(&mut changes, pairs);
    Value::Object(changes)
}

impl ServerServices {
    pub(crate) async fn integration_row(&self, name: &str) -> Result<IntegrationRow, AppError> {
        self.store
            .find_integration_by_name(name.trim())
            .await
            .map_err(internal)?
            .ok_or_else(not_found)
    }

    pub(crate) async fn integration_row_by_id(
        &self,
        id: IntegrationId,
    ) -> Result<IntegrationRow, AppError> {
        self.store
            .find_integration(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)
    }

    pub(crate) async fn fields_of(
        &self,
        integration_id: IntegrationId,
    ) -> Result<Vec<FieldRow>, AppError> {
        self.store
            .integration_fields(integration_id)
            .await
            .map_err(internal)
    }

    async fn connection_name(&self, id: Option<ConnectionId>) -> Result<Option<String>, AppError> {
        let Some(id) = id else { return Ok(None) };
        Ok(self
            .store
            .find_oauth_connection(id)
            .await
            .map_err(internal)?
            .map(|connection| connection.name))
    }

    async fn view_of(&self, row: IntegrationRow) -> Result<IntegrationView, AppError> {
        let fields = self.fields_of(row.id).await?;
        let mappings = self.store.count_mappings(row.id).await.map_err(internal)?;
        let oauth_connection = self
            .connection_name(row.oauth_connection_id)
            .await?
            .zip(row.oauth_connection_id)
            .map(|(name, id)| OAuthLink { id, name });
        Ok(IntegrationView {
            id: row.id,
            name: row.name,
            description: row.description,
            entity_id_name: row.entity_id_name,
            default_entity_id: row.default_entity_id,
            fields: fields.iter().map(field_view).collect(),
            mapped_organizations: mappings,
            oauth_connection,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[async_trait::async_trait]
impl IntegrationServices for ServerServices {
    async fn integrations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<IntegrationSummary>, AppError> {
        let request = PageRequest::new(page, INTEGRATIONS_PER_PAGE);
        let rows = self
            .store
            .list_integrations(search.trim(), request.per_page, request.offset())
            .await
            .map_err(internal)?;
        Ok(rows.paged(request, |row| IntegrationSummary {
            id: row.id,
            name: row.name,
            description: row.description,
            oauth_state: row
                .oauth_connection_name
                .is_some()
                .then(|| TokenState::parse(row.oauth_token_status.as_deref().unwrap_or(""))),
            oauth_connection: row.oauth_connection_name,
            mapped_organizations: row.mapped_organizations,
            field_count: row.field_count,
        }))
    }

    /// An integration by name, in any case.
    async fn integration(&self, name: &str) -> Result<IntegrationView, AppError> {
        let row = self.integration_row(name).await?;
        self.view_of(row).await
    }

    async fn create_integration(
        &self,
        admin: &CurrentAdmin,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError> {
        self.create_integration_with_oauth(admin, draft, None).await
    }

    async fn create_integration_with_oauth(
        &self,
        admin: &CurrentAdmin,
        draft: &IntegrationDraft,
        oauth: Option<&IntegrationOAuthChoice>,
    ) -> Result<IntegrationView, AppError> {
        let (draft, link) = self.check_new_integration(draft, oauth).await?;
        if let Some(index) = draft.fields.iter().position(|field| field.id.is_some()) {
            return Err(AppError::invalid(
                &schema_field_name(index, "key"),
                "a new integration cannot have existing fields",
            ));
        }
        let mut changes = audit_changes(None, &draft);
        if let (Value::Object(changes), Some(name)) = (&mut changes, link.connection_name()) {
            changes.insert("oauth_connection".into(), change(None, Some(name)));
        }
        let row = self
            .store
            .create_integration_linked(
                &details_of(&draft),
                &plans_of(&draft),
                link.to_store(&self.keyring),
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(name_taken)?;
        self.view_of(row).await
    }

    /// Saves details and schema. Renaming keeps mappings and values; the caller warns that
    /// workflows using the old name stop finding it.
    async fn update_integration(
        &self,
        admin: &CurrentAdmin,
        id: IntegrationId,
        draft: &IntegrationDraft,
    ) -> Result<IntegrationView, AppError> {
        let draft = draft.validated()?;
        let before = self.integration_row_by_id(id).await?;
        // The checks below read the integration at `before`; the store writes only if nothing
        // moved since, whichever version the form was opened at.
        let expected_version = draft.opened_at_version.unwrap_or(before.version);
        let existing = self.fields_of(id).await?;
        let removed_ids = self.check_schema_change(&existing, &draft).await?;
        let changes = audit_changes(Some((&before, &existing)), &draft);
        let row = self
            .store
            .update_integration(
                id,
                expected_version,
                &details_of(&draft),
                &plans_of(&draft),
                &removed_ids,
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Stale => changed_meanwhile(),
                other => name_taken(other),
            })?
            .ok_or_else(not_found)?;
        self.view_of(row).await
    }

    async fn integration_deletion_impact(
        &self,
        id: IntegrationId,
    ) -> Result<IntegrationDeletionImpact, AppError> {
        let row = self.integration_row_by_id(id).await?;
        let (mappings, values) = self.store.integration_counts(id).await.map_err(internal)?;
        Ok(IntegrationDeletionImpact {
            name: row.name,
            mappings,
            values,
        })
    }

    async fn link_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        integration_id: IntegrationId,
        connection_id: Option<ConnectionId>,
    ) -> Result<IntegrationView, AppError> {
        let before = self.integration_row_by_id(integration_id).await?;
        let old_name = self.connection_name(before.oauth_connection_id).await?;
        let new_name = self.connection_name(connection_id).await?;
        if connection_id.is_some() && new_name.is_none() {
            return Err(AppError::invalid(
                "oauth_connection_id",
                "choose an existing OAuth connection",
            ));
        }
        let changes =
            json!({ "oauth_connection": change(old_name.as_deref(), new_name.as_deref()) });
        let row = self
            .store
            .link_oauth_connection(
                integration_id,
                connection_id,
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        self.view_of(row).await
    }

    async fn delete_integration(
        &self,
        admin: &CurrentAdmin,
        id: IntegrationId,
    ) -> Result<(), AppError> {
        self.store
            .delete_integration(id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)?
            .map(|_| ())
            .ok_or_else(not_found)
    }
}
