//! What the integration tests share: HaloPSA's draft (one field of each type), organizations,
//! mappings, and HaloPSA created with Contoso mapped.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{IntegrationId, MappingId, OrganizationId};
use app::domain::integration::{
    FieldType, IntegrationDraft, IntegrationView, MappingDraft, SchemaField, ValueChange,
    ValueInput,
};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, MappingServices, OrganizationServices};
use bifrost::services::ServerServices;
use bifrost::store::Store;

use crate::helpers::services_for;

pub(super) fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1.into(),
        email: "admin@example.com".into(),
    }
}

pub(super) fn field(key: &str, field_type: FieldType, required: bool) -> SchemaField {
    SchemaField {
        id: None,
        key: key.into(),
        field_type,
        required,
        description: String::new(),
    }
}

pub(super) fn halo_draft() -> IntegrationDraft {
    IntegrationDraft {
        name: "HaloPSA".into(),
        description: "Tickets".into(),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: "common".into(),
        fields: vec![
            field("base_url", FieldType::String, true),
            field("timeout", FieldType::Int, false),
            field("verbose", FieldType::Bool, false),
            field("custom", FieldType::Json, false),
            field("api_key", FieldType::Secret, false),
        ],
        confirm_field_removal: false,
        opened_at_version: None,
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
    services
        .save_defaults(&admin(), halo.id, defaults)
        .await
        .expect("defaults");
    mapping(&services, halo.id, contoso, entity_id, overrides)
        .await
        .expect("mapping");
    (services, halo, contoso)
}
