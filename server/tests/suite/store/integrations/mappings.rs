//! Mappings: overrides over the defaults, the global scope for unmapped organizations, one
//! mapping per organization, and the pages and choices of what is mapped and what is left.

use app::domain::ids::IntegrationId;
use app::domain::integration::{MappingDraft, OrganizationChoice};
use app::ssr::{MappingServices, OrganizationServices};
use bifrost::services::ServerServices;
use bifrost::store::Store;
use serde_json::json;

use super::fixtures::*;
use crate::helpers::set_value as set;

async fn overrides_win_and_unmapped_organizations_get_the_global_scope(store: Store) {
    let (services, halo) = halo(&store).await;
    save_defaults(
        &services,
        halo.id,
        &[set("timeout", "30"), set("verbose", "false")],
    )
    .await
    .expect("defaults");
    let contoso = organization(&services, "Contoso").await;
    let fabrikam = organization(&services, "Fabrikam").await;
    let unmapped = organization(&services, "Unmapped").await;
    let timeout_90 = vec![set("timeout", "90")];
    let contoso_mapping = mapping(&services, halo.id, contoso, "tenant-c", timeout_90)
        .await
        .expect("contoso");
    let base_url_f = vec![set("base_url", "https://f")];
    mapping(&services, halo.id, fabrikam, "tenant-f", base_url_f)
        .await
        .expect("fabrikam");

    let merged = merged_config(&services, "halopsa", Some(contoso))
        .await
        .expect("contoso");
    assert_eq!(merged.entity_id, "tenant-c");
    assert_eq!(merged.config["timeout"], json!(90));
    assert_eq!(merged.config["verbose"], json!(false));
    assert_eq!(merged.missing_required, vec!["base_url".to_string()]);
    let merged = merged_config(&services, "HaloPSA", Some(fabrikam))
        .await
        .expect("fabrikam");
    assert_eq!(merged.config["timeout"], json!(30));
    assert!(merged.missing_required.is_empty());
    let merged = merged_config(&services, "HaloPSA", Some(unmapped))
        .await
        .expect("unmapped");
    assert!(!merged.mapped);
    assert_eq!(merged.entity_id, "common");

    let list = services.mappings(halo.id, "", 1).await.expect("mappings");
    assert_eq!(list.total, 2);
    let contoso_row = list
        .items
        .iter()
        .find(|m| m.organization_id == contoso)
        .expect("row");
    assert_eq!(contoso_row.override_count, 1);
    assert_eq!(contoso_row.missing_required, vec!["base_url".to_string()]);
    let searched = services
        .mappings(halo.id, "tenant-f", 1)
        .await
        .expect("search");
    assert_eq!(searched.total, 1);

    // Clearing the override falls back to the default.
    let draft = MappingDraft {
        organization_id: contoso,
        entity_id: "tenant-c2".into(),
        entity_name: "Contoso Ltd".into(),
        overrides: vec![clear("timeout")],
    };
    services
        .update_mapping(&admin(), halo.id, contoso_mapping, &draft)
        .await
        .expect("update");
    let merged = merged_config(&services, "HaloPSA", Some(contoso))
        .await
        .expect("contoso");
    assert_eq!(merged.config["timeout"], json!(30));
    assert_eq!(merged.entity_id, "tenant-c2");
    assert_eq!(merged.entity_name, "Contoso Ltd");

    services
        .delete_mapping(&admin(), halo.id, contoso_mapping)
        .await
        .expect("delete");
    let merged = merged_config(&services, "HaloPSA", Some(contoso))
        .await
        .expect("contoso");
    assert!(!merged.mapped);
}

async fn an_organization_is_mapped_once_and_needs_an_entity_id(store: Store) {
    let (services, halo) = halo(&store).await;
    let contoso = organization(&services, "Contoso").await;
    let error = mapping(&services, halo.id, contoso, "  ", vec![])
        .await
        .expect_err("no entity");
    assert_eq!(error.for_field("entity_id"), Some("is required"));
    let error = mapping(&services, halo.id, contoso, "t", vec![set("timeout", "x")])
        .await
        .expect_err("bad override");
    assert!(error.for_field("overrides.timeout").is_some(), "{error}");
    mapping(&services, halo.id, contoso, "t", vec![])
        .await
        .expect("first");
    let error = mapping(&services, halo.id, contoso, "t2", vec![])
        .await
        .expect_err("twice");
    assert_eq!(
        error.for_field("organization_id"),
        Some("Contoso is already mapped in this integration")
    );
    let choices = services
        .unmapped_organizations(halo.id, "")
        .await
        .expect("choices");
    assert!(choices.items.iter().all(|choice| choice.id != contoso));
    assert_eq!(
        choices.total, 0,
        "Contoso, the only organization, is mapped"
    );
    let impact = services
        .organization_deletion_impact(contoso)
        .await
        .expect("impact");
    assert_eq!(impact.mappings, 1);
}

/// What is left to map in an integration for `search`: the count and the names shown.
async fn left_to_map(
    services: &ServerServices,
    integration_id: IntegrationId,
    search: &str,
) -> (i64, Vec<String>) {
    let choices = services
        .unmapped_organizations(integration_id, search)
        .await
        .expect("choices");
    let names = choices
        .items
        .into_iter()
        .map(|choice: OrganizationChoice| choice.name)
        .collect();
    (choices.total, names)
}

async fn mapping_pages_and_choices_count_what_is_mapped_and_what_is_left(store: Store) {
    let (services, halo) = halo(&store).await;
    let northwind = organization(&services, "Northwind").await;
    let contoso = organization(&services, "Contoso").await;
    let fabrikam = organization(&services, "Fabrikam").await;
    let everyone = vec!["Contoso".to_string(), "Fabrikam".into(), "Northwind".into()];
    assert_eq!(left_to_map(&services, halo.id, "").await, (3, everyone));
    for (id, entity) in [(northwind, "n"), (fabrikam, "f")] {
        mapping(&services, halo.id, id, entity, vec![set("timeout", "7")])
            .await
            .expect("mapping");
    }
    assert_eq!(
        left_to_map(&services, halo.id, "").await,
        (1, vec!["Contoso".to_string()])
    );
    assert_eq!(
        left_to_map(&services, halo.id, "NORTH").await,
        (0, vec![]),
        "Northwind is mapped"
    );
    let page = services.mappings(halo.id, "", 1).await.expect("page");
    let rows: Vec<(String, i64)> = page
        .items
        .into_iter()
        .map(|row| (row.organization_name, row.override_count))
        .collect();
    assert_eq!(page.total, 2);
    assert_eq!(
        rows,
        vec![("Fabrikam".to_string(), 1), ("Northwind".to_string(), 1)]
    );
    mapping(&services, halo.id, contoso, "c", vec![])
        .await
        .expect("last");
    assert_eq!(left_to_map(&services, halo.id, "").await, (0, vec![]));
    let page = services.mappings(halo.id, "orth", 1).await.expect("search");
    assert_eq!((page.total, page.items.len()), (1, 1));
}

crate::both_backends!(
    store: overrides_win_and_unmapped_organizations_get_the_global_scope,
    an_organization_is_mapped_once_and_needs_an_entity_id,
    mapping_pages_and_choices_count_what_is_mapped_and_what_is_left,
);
