//! The mappings CSV and integration definitions, through the services, on both backends.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{IntegrationId, OrganizationId};
use app::domain::integration::{FieldType, IntegrationDraft, MappingDraft};
use app::domain::transfer::ImportOutcome;
use app::ssr::{
    ConfigurationServices, IntegrationServices, MappingServices, OrganizationServices,
    TransferServices,
};
use bifrost::services::ServerServices;
use bifrost::store::Store;
use serde_json::json;

use crate::helpers::{schema_field, services_for, set_value as set};

fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1.into(),
        email: "admin@example.com".into(),
    }
}

/// HaloPSA with a default timeout and a secret, and Contoso mapped with an override.
async fn halo(services: &ServerServices) -> (IntegrationId, OrganizationId, OrganizationId) {
    let draft = IntegrationDraft {
        name: "HaloPSA".into(),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: "common".into(),
        fields: vec![
            schema_field("base_url", FieldType::String),
            schema_field("timeout", FieldType::Int),
            schema_field("custom", FieldType::Json),
            schema_field("api_key", FieldType::Secret),
        ],
        ..Default::default()
    };
    let halo = services
        .create_integration(&admin(), &draft)
        .await
        .expect("create");
    services
        .save_defaults(
            &admin(),
            halo.id,
            &[
                set("timeout", "30"),
                set("api_key", "sk-never-exported"),
                set("custom", "{\"a\":1}"),
            ],
        )
        .await
        .expect("defaults");
    let contoso = services
        .create_organization(&admin(), "Contoso")
        .await
        .expect("org")
        .id;
    let fabrikam = services
        .create_organization(&admin(), "Fabrikam")
        .await
        .expect("org")
        .id;
    let mapping = MappingDraft {
        organization_id: contoso,
        entity_id: "t-contoso".into(),
        entity_name: "Contoso Ltd".into(),
        overrides: vec![set("timeout", "60")],
    };
    services
        .create_mapping(&admin(), halo.id, &mapping)
        .await
        .expect("mapping");
    (halo.id, contoso, fabrikam)
}

async fn mappings_export_as_csv_without_secrets(store: Store) {
    let services = services_for(&store);
    halo(&services).await;
    let csv = services.mappings_csv("HaloPSA").await.expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "organization,entity_id,entity_name,base_url,timeout,custom"
    );
    assert_eq!(lines[1], "Contoso,t-contoso,Contoso Ltd,,60,");
    assert_eq!(lines.len(), 2);
    assert!(!csv.contains("sk-never-exported"));
}

async fn a_csv_with_a_bad_row_is_previewed_and_refused_whole(store: Store) {
    let services = services_for(&store);
    let (halo, contoso, fabrikam) = halo(&services).await;
    let csv = "organization,entity_id,entity_name,timeout\n\
               Contoso,t-contoso-2,,\n\
               fabrikam,t-fab,Fabrikam Inc,45\n\
               Nowhere,t-x,,\n\
               Contoso,t-again,,\n";
    let preview = services
        .preview_mapping_import(halo, csv)
        .await
        .expect("preview");
    let outcomes: Vec<&ImportOutcome> = preview.rows.iter().map(|row| &row.outcome).collect();
    assert_eq!(outcomes[0], &ImportOutcome::Update);
    assert_eq!(outcomes[1], &ImportOutcome::Create);
    assert_eq!(
        outcomes[2],
        &ImportOutcome::Error("organization: unknown organization “Nowhere”".into())
    );
    assert_eq!(
        outcomes[3],
        &ImportOutcome::Error("organization: “Contoso” is already on line 2".into())
    );
    assert_eq!(preview.rows[2].line, 4);
    assert_eq!(
        (preview.creates, preview.updates, preview.errors),
        (1, 1, 2)
    );
    assert!(!preview.can_import());
    let error = services
        .import_mapping_csv(&admin(), halo, csv)
        .await
        .expect_err("bad rows");
    assert_eq!(
        error.for_field("csv"),
        Some("2 row(s) have errors; nothing was imported")
    );
    assert!(
        !services
            .merged_config("HaloPSA", Some(fabrikam))
            .await
            .expect("merged")
            .mapped
    );

    let bad_value = "organization,entity_id,timeout\nFabrikam,t-fab,soon\n";
    let preview = services
        .preview_mapping_import(halo, bad_value)
        .await
        .expect("preview");
    assert!(
        matches!(&preview.rows[0].outcome, ImportOutcome::Error(m) if m.contains("timeout") && m.contains("whole number")),
        "{:?}",
        preview.rows
    );

    let good = "organization,entity_id,entity_name,timeout\nContoso,t-contoso-2,,\nfabrikam,t-fab,Fabrikam Inc,45\n";
    let summary = services
        .import_mapping_csv(&admin(), halo, good)
        .await
        .expect("import");
    assert_eq!((summary.created, summary.updated), (1, 1));
    let merged = services
        .merged_config("HaloPSA", Some(contoso))
        .await
        .expect("contoso");
    assert_eq!(merged.entity_id, "t-contoso-2");
    assert_eq!(
        merged.config["timeout"],
        json!(30),
        "an empty cell falls back to the default"
    );
    let merged = services
        .merged_config("HaloPSA", Some(fabrikam))
        .await
        .expect("fabrikam");
    assert_eq!(merged.config["timeout"], json!(45));
    assert_eq!(merged.entity_name, "Fabrikam Inc");
}

async fn csv_headers_are_checked_first(store: Store) {
    let services = services_for(&store);
    let (halo, _, _) = halo(&services).await;
    for (csv, rule) in [
        ("org,entity_id\n", "the first row must be the header"),
        (
            "organization,entity_id,colour\n",
            "column “colour” is not a field",
        ),
        (
            "organization,entity_id,api_key\n",
            "secrets are not imported from CSV",
        ),
        ("organization,entity_id,timeout,timeout\n", "appears twice"),
    ] {
        let error = services
            .preview_mapping_import(halo, csv)
            .await
            .expect_err(csv);
        assert!(
            error.for_field("csv").is_some_and(|m| m.contains(rule)),
            "{csv}: {error}"
        );
    }
    let ragged = "organization,entity_id\nContoso\n";
    let preview = services
        .preview_mapping_import(halo, ragged)
        .await
        .expect("ragged");
    assert!(matches!(&preview.rows[0].outcome, ImportOutcome::Error(m) if m.contains("cells")));
}

async fn a_definition_round_trips_without_its_secrets(store: Store) {
    let services = services_for(&store);
    let (halo, _, _) = halo(&services).await;
    let definition = services.definition_json("HaloPSA").await.expect("export");
    assert!(!definition.contains("sk-never-exported"));
    let parsed: serde_json::Value = serde_json::from_str(&definition).expect("json");
    assert_eq!(
        parsed["defaults"],
        json!({"timeout": 30, "custom": {"a": 1}})
    );
    assert_eq!(parsed["secrets_to_fill"], json!(["api_key"]));

    let error = services
        .import_definition(&admin(), &definition)
        .await
        .expect_err("name taken");
    assert!(error.for_field("name").is_some());
    services
        .delete_integration(&admin(), halo)
        .await
        .expect("delete");
    let imported = services
        .import_definition(&admin(), &definition)
        .await
        .expect("import");
    assert_eq!(imported.secrets_to_fill, vec!["api_key".to_string()]);
    let view = services.integration("HaloPSA").await.expect("view");
    assert_eq!(view.fields.len(), 4);
    assert_eq!(view.entity_id_name, "Tenant ID");
    let merged = services
        .merged_config("HaloPSA", None)
        .await
        .expect("merged");
    assert_eq!(merged.config["timeout"], json!(30));
    assert_eq!(merged.config["custom"], json!({"a": 1}));
    assert!(!merged.config.contains_key("api_key"));
}

async fn bad_definitions_are_refused_before_anything_is_created(store: Store) {
    let services = services_for(&store);
    for (text, rule) in [
        ("{", "is not a Bifrost integration definition"),
        (r#"{"bifrost_integration": 2, "name": "X"}"#, "format 2"),
        (
            r#"{"bifrost_integration": 1, "name": "X", "colour": 1}"#,
            "unknown field",
        ),
        (
            r#"{"bifrost_integration": 1, "name": "X", "fields": [{"key": "k", "type": "secret"}], "defaults": {"k": "s"}}"#,
            "secrets are never imported",
        ),
        (
            r#"{"bifrost_integration": 1, "name": "X", "fields": [{"key": "n", "type": "int"}], "defaults": {"n": "many"}}"#,
            "whole number",
        ),
    ] {
        let error = services
            .import_definition(&admin(), text)
            .await
            .expect_err(text);
        assert!(
            error
                .for_field("definition")
                .is_some_and(|m| m.contains(rule)),
            "{text}: {error}"
        );
    }
    assert_eq!(services.integrations("", 1).await.expect("list").total, 0);
}

crate::both_backends!(store:
    mappings_export_as_csv_without_secrets,
    a_csv_with_a_bad_row_is_previewed_and_refused_whole,
    csv_headers_are_checked_first,
    a_definition_round_trips_without_its_secrets,
    bad_definitions_are_refused_before_anything_is_created,
);
