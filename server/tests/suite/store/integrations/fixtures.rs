//! What the integration tests share: HaloPSA's draft (one field of each type), organizations,
//! mappings, and HaloPSA created with Contoso mapped.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{IntegrationId, MappingId, OrganizationId};
use app::domain::integration::{
    FieldType, FieldValueView, IntegrationDraft, IntegrationView, MappingDraft, SchemaField,
    ValueChange, ValueInput,
};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, MappingServices, OrganizationServices};
use bifrost::services::configuration::MergedConfig;
use bifrost::services::ServerServices;
use bifrost::store::Store;

use crate::helpers::{integration_draft, schema_field, services_for};

pub(super) fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1.into(),
        email: "admin@example.com".into(),
    }
}

/// HaloPSA: a required string and one optional field of each other type.
pub(super) fn halo_draft() -> IntegrationDraft {
    let fields = vec![
        SchemaField {
            required: true,
            ..schema_field("base_url", FieldType::String)
        },
        schema_field("timeout", FieldType::Int),
        schema_field("verbose", FieldType::Bool),
        schema_field("custom", FieldType::Json),
        schema_field("api_key", FieldType::Secret),
    ];
    IntegrationDraft {
        description: "Tickets".into(),
        ..integration_draft("HaloPSA", "common", fields)
    }
}

pub(super) fn clear(key: &str) -> ValueInput {
    ValueInput {
        key: key.into(),
        change: ValueChange::Clear,
    }
}

/// HaloPSA as `halo_draft` describes it.
pub(super) async fn create_halo(services: &ServerServices) -> IntegrationView {
    services
        .create_integration(&admin(), &halo_draft())
        .await
        .expect("create")
}

pub(super) async fn organization(services: &ServerServices, name: &str) -> OrganizationId {
    services
        .create_organization(&admin(), name)
        .await
        .expect("organization")
        .id
}

pub(super) async fn mapping(
    services: &ServerServices,
    integration_id: IntegrationId,
    organization_id: OrganizationId,
    entity_id: &str,
    overrides: Vec<ValueInput>,
) -> Result<MappingId, AppError> {
    let draft = MappingDraft {
        organization_id,
        entity_id: entity_id.into(),
        entity_name: String::new(),
        overrides,
    };
    services
        .create_mapping(&admin(), integration_id, &draft)
        .await
        .map(|summary| summary.id)
}

/// Saves the integration's defaults as the administrator.
pub(super) async fn save_defaults(
    services: &ServerServices,
    integration_id: IntegrationId,
    values: &[ValueInput],
) -> Result<Vec<FieldValueView>, AppError> {
    services
        .save_defaults(&admin(), integration_id, values)
        .await
}

/// Saves the integration's edit form as the administrator.
pub(super) async fn update_integration(
    services: &ServerServices,
    integration_id: IntegrationId,
    draft: &IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    services
        .update_integration(&admin(), integration_id, draft)
        .await
}

/// The config a workflow gets for the integration `name` in an organization's scope (`None`:
/// the global scope).
pub(super) async fn merged_config(
    services: &ServerServices,
    name: &str,
    organization: Option<OrganizationId>,
) -> Result<MergedConfig, AppError> {
    services.merged_config(name, organization).await
}

/// The services over `store`, and HaloPSA as `halo_draft` describes it.
pub(super) async fn halo(store: &Store) -> (ServerServices, IntegrationView) {
    let services = services_for(store);
    let halo = create_halo(&services).await;
    (services, halo)
}

/// HaloPSA with `defaults` saved, and the organization Contoso mapped to `entity_id` with
/// `overrides`: the services, HaloPSA and Contoso's id.
pub(super) async fn halo_with_contoso_mapped(
    store: &Store,
    defaults: &[ValueInput],
    entity_id: &str,
    overrides: Vec<ValueInput>,
) -> (ServerServices, IntegrationView, OrganizationId) {
    let (services, halo) = halo(store).await;
    let contoso = organization(&services, "Contoso").await;
    save_defaults(&services, halo.id, defaults)
        .await
        .expect("defaults");
    mapping(&services, halo.id, contoso, entity_id, overrides)
        .await
        .expect("mapping");
    (services, halo, contoso)
}
