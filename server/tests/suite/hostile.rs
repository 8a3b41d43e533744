//! Hostile input: generated inputs (proptest) for the config value parsers, schema validation
//! and CSV import, which must refuse with a named rule or accept, and never panic or fail
//! inside; and, over HTTP, oversized bodies, deep JSON, unknown fields and injection attempts
//! in text fields, which are refused or stored and shown harmlessly.

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{FieldType, IntegrationDraft, SchemaField};
use app::error::AppError;
use app::ssr::{IntegrationServices, TransferServices};
use bifrost::services::values::{canonical_value, display_value, typed_value};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::helpers::{
    create_mapped_organization, integration_draft, schema_field, services_for, TestDb,
};
use crate::http::test_app::TestApp;

const FIELD_TYPES: [FieldType; 5] = [
    FieldType::String,
    FieldType::Int,
    FieldType::Bool,
    FieldType::Json,
    FieldType::Secret,
];

/// Text an attacker or a careless paste would send: anything at all, and the usual suspects.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        Just("'; DROP TABLE organizations; --".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("\u{202e}\u{0}\u{feff}\u{1F600}e\u{301}".to_string()),
        Just(" -9223372036854775808 ".to_string()),
        Just("9223372036854775808".to_string()),
        Just("TRUE".to_string()),
        Just(r#"{"a": [1, 2.5e400, "\ud800"]}"#.to_string()),
        "[0-9 +-]{0,25}",
    ]
}

proptest! {
    #![proptest_config(Config { cases: 512, ..Config::default() })]

    /// A value is refused with a reason, or accepted as a canonical text that is accepted again
    /// unchanged and typed as its field type says.
    #[test]
    fn config_values_are_refused_with_a_reason_or_stored_canonically(
        type_index in 0..FIELD_TYPES.len(),
        raw in hostile_text(),
    ) {
        let field_type = FIELD_TYPES[type_index];
        match canonical_value(field_type, &raw) {
            Err(reason) => prop_assert!(!reason.is_empty()),
            Ok(canonical) => {
                prop_assert_eq!(canonical_value(field_type, &canonical), Ok(canonical.clone()));
                let typed = typed_value(field_type, &canonical);
                match field_type {
                    FieldType::Int => prop_assert!(typed.is_i64(), "{typed}"),
                    FieldType::Bool => prop_assert!(typed.is_boolean(), "{typed}"),
                    FieldType::String | FieldType::Secret => {
                        prop_assert_eq!(typed, Value::String(canonical.clone()))
                    }
                    // Never the fallback for text that does not parse.
                    FieldType::Json => prop_assert!(serde_json::from_str::<Value>(&canonical).is_ok()),
                }
                let _ = display_value(field_type, &canonical);
            }
        }
    }

    /// Any integration draft is refused field by field, or accepted with a well-formed name and
    /// field keys.
    #[test]
    fn schema_drafts_are_refused_by_field_or_well_formed(
        name in hostile_text(),
        description in hostile_text(),
        keys in proptest::collection::vec(hostile_text(), 0..6),
    ) {
        let draft = IntegrationDraft {
            name,
            description,
            entity_id_name: "Tenant ID".into(),
            default_entity_id: String::new(),
            fields: keys
                .into_iter()
                .map(|key| SchemaField {
                    id: None,
                    key,
                    field_type: FieldType::String,
                    required: false,
                    description: String::new(),
                })
                .collect(),
            confirm_field_removal: false,
            opened_at_version: None,
        };
        match draft.validated() {
            Ok(valid) => {
                prop_assert!(valid.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
                prop_assert!(!valid.name.is_empty() && valid.name.len() <= 64);
            }
            Err(AppError::Invalid { field, message }) => {
                prop_assert!(!field.is_empty() && !message.is_empty())
            }
            Err(AppError::InvalidFields(errors)) => {
                prop_assert!(errors.iter().all(|e| !e.field.is_empty() && !e.message.is_empty()))
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}

#[test]
fn json_deeper_than_the_parser_allows_is_refused_with_a_reason() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let reason = canonical_value(FieldType::Json, &deep).expect_err("too deep");
    assert!(reason.contains("not valid JSON"), "{reason}");
    let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert!(canonical_value(FieldType::Json, &fine).is_ok());
}

/// One CSV cell: a known organization, nothing, quotes, separators or anything at all.
fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Contoso".to_string()),
        Just(String::new()),
        Just("\"unterminated".to_string()),
        Just("=cmd|' /C calc'!A0".to_string()),
        Just("a,b".to_string()),
        "[a-z0-9 \"\n]{0,8}",
        any::<String>(),
    ]
}

/// Any CSV previews into rows that are accepted or refused with a message, or is refused as a
/// whole with the rule it broke: never an internal failure.
#[test]
fn any_csv_previews_into_named_outcomes() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, services, integration_id) = runtime.block_on(async {
        let db = TestDb::sqlite().await;
        let services = services_for(&db.store);
        let admin = CurrentAdmin {
            id: 0.into(),
            email: "test".into(),
        };
        let timeout = vec![schema_field("timeout", FieldType::Int)];
        let integration = services
            .create_integration(&admin, &integration_draft("HaloPSA", "", timeout))
            .await
            .expect("integration");
        create_mapped_organization(
            &services,
            &admin,
            integration.id,
            "Contoso",
            "tenant-a",
            "",
            Vec::new(),
        )
        .await;
        (db, services, integration.id)
    });
    let rows = proptest::collection::vec(proptest::collection::vec(csv_cell(), 0..5), 0..6);
    let header = prop_oneof![
        Just("organization,entity_id,entity_name,timeout".to_string()),
        Just("organization,entity_id".to_string()),
        csv_cell(),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 256,
        ..Config::default()
    });
    runner
        .run(&(header, rows), |(header, rows)| {
            let csv = std::iter::once(header)
                .chain(rows.into_iter().map(|cells| cells.join(",")))
                .collect::<Vec<_>>()
                .join("\n");
            let preview = runtime.block_on(services.preview_mapping_import(integration_id, &csv));
            match preview {
                Ok(preview) => {
                    for row in &preview.rows {
                        if let app::domain::transfer::ImportOutcome::Error(message) = &row.outcome {
                            prop_assert!(!message.is_empty());
                        }
                    }
                    prop_assert_eq!(
                        preview.creates + preview.updates + preview.errors,
                        preview.rows.len()
                    );
                }
                Err(AppError::Invalid { message, .. }) => prop_assert!(!message.is_empty()),
                Err(AppError::InvalidFields(errors)) => prop_assert!(!errors.is_empty()),
                Err(other) => prop_assert!(false, "{csv:?} failed: {other:?}"),
            }
            Ok(())
        })
        .expect("every CSV previews");
    runtime.block_on(db.finish());
}

/// Over HTTP: a body far over the limit is refused before it is read whole, an injection
/// attempt in a name is stored as typed and shown escaped, and unknown fields change nothing.
#[tokio::test]
async fn hostile_requests_are_refused_or_stored_harmlessly() {
    let app = TestApp::spawn_signed_in().await;

    let huge = "x".repeat(bifrost::startup::MAX_REQUEST_BYTES + 1);
    let response = app
        .call_server_fn("/api/organizations/create", &[("name", huge.as_str())])
        .await;
    assert_eq!(response.status().as_u16(), 413, "a body over the limit");
    // Under the limit, a long value is read and refused by the rule it breaks.
    let long = "x".repeat(3 * 1024 * 1024);
    let response = app
        .call_server_fn("/api/organizations/create", &[("name", long.as_str())])
        .await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert!(
        status == 400 || status == 422,
        "{status}: {}",
        &body[..body.len().min(300)]
    );
    assert!(body.contains("name"), "{}", &body[..body.len().min(300)]);

    let hostile = "<script>alert('x')</script> Ltd'; DROP TABLE organizations; --";
    let response = app
        .call_server_fn("/api/organizations/create", &[("name", hostile)])
        .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
    let page = app
        .get("/settings/organizations")
        .await
        .text()
        .await
        .expect("page");
    assert!(!page.contains("<script>alert"), "shown unescaped");
    assert!(
        page.contains("&lt;script&gt;alert"),
        "shown escaped: {page}"
    );
    let stored: String =
        sqlx::query_scalar("SELECT name FROM organizations WHERE name LIKE '%DROP TABLE%'")
            .fetch_one(app.db().store.raw_pool())
            .await
            .expect("stored as typed");
    assert_eq!(stored, hostile);

    let response = app
        .call_json(
            "/api/integrations/create",
            &serde_json::json!({
                "draft": {
                    "name": "Extra", "description": "", "entity_id_name": "Tenant ID",
                    "default_entity_id": "", "fields": [], "confirm_field_removal": false,
                    "is_admin": true, "id": 1
                },
                "unexpected": {"deep": [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}
            }),
        )
        .await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(!body.contains("panicked"), "{body}");
    assert!(status.as_u16() < 500, "{status}: {body}");
    app.finish().await;
}
