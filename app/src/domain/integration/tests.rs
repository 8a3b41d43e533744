//! The integration rules that need no IO.

use super::*;

fn field(key: &str) -> SchemaField {
    SchemaField {
        id: None,
        key: key.into(),
        field_type: FieldType::String,
        required: false,
        description: String::new(),
    }
}

fn draft(fields: Vec<SchemaField>) -> IntegrationDraft {
    IntegrationDraft {
        name: "HaloPSA".into(),
        fields,
        ..Default::default()
    }
}

#[test]
fn integration_names_follow_the_rule() {
    for good in ["HaloPSA", "Microsoft_Graph", "a", "x-1", &"n".repeat(64)] {
        assert!(parse_integration_name(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "  ",
        "Halo PSA",
        "Halo/PSA",
        "é",
        "New",
        &"n".repeat(65),
    ] {
        let error = parse_integration_name(bad).expect_err(bad);
        assert!(error.for_field("name").is_some(), "{bad}");
    }
}

#[test]
fn field_keys_are_identifiers() {
    for good in ["base_url", "_x", "a1", &"k".repeat(64)] {
        assert!(is_valid_field_key(good), "{good}");
    }
    for bad in [
        "",
        "1a",
        "Base",
        "base-url",
        "base url",
        "ä",
        &"k".repeat(65),
    ] {
        assert!(!is_valid_field_key(bad), "{bad}");
    }
}

#[test]
fn bad_and_duplicate_keys_name_the_field_in_the_schema() {
    let error = draft(vec![field("ok"), field("Bad Key")])
        .validated()
        .expect_err("bad key");
    assert!(error.for_field("fields.1.key").is_some(), "{error}");
    let error = draft(vec![field("a"), field("a")])
        .validated()
        .expect_err("duplicate");
    assert_eq!(
        error.for_field("fields.1.key"),
        Some("\"a\" is used by another field")
    );
    let error = draft(vec![field("")]).validated().expect_err("empty");
    assert_eq!(error.for_field("fields.0.key"), Some("is required"));
}

#[test]
fn every_broken_rule_is_reported_at_once() {
    let mut input = draft(vec![field("Bad Key"), field("ok"), field("ok")]);
    input.name = "Halo PSA".into();
    let error = input.validated().expect_err("three errors");
    assert!(error.for_field("name").is_some());
    assert!(error.for_field("fields.0.key").is_some());
    assert!(error.for_field("fields.2.key").is_some());
    assert!(error.for_field("fields.1.key").is_none());
    assert!(error.is_about_fields());
}

#[test]
fn texts_are_trimmed_and_bounded() {
    let mut input = draft(vec![field(" base_url ")]);
    input.description = "  Halo  ".into();
    let valid = input.validated().expect("valid");
    assert_eq!(valid.description, "Halo");
    assert_eq!(valid.fields[0].key, "base_url");
    input.entity_id_name = "x".repeat(MAX_ENTITY_TEXT_CHARS + 1);
    let error = input.validated().expect_err("long");
    assert!(error.for_field("entity_id_name").is_some());
    input.entity_id_name = "Tenant\u{7}".into();
    assert!(input.validated().is_err());
}

#[test]
fn debug_output_never_shows_a_value() {
    let input = ValueInput {
        key: "api_key".into(),
        change: ValueChange::Set("sk-live-123".into()),
    };
    assert!(!format!("{input:?}").contains("sk-live"));
}

#[test]
fn a_required_field_without_any_value_is_missing() {
    let view = |required, value: ShownValue, default: ShownValue| FieldValueView {
        field: SchemaFieldView {
            id: 1,
            key: "k".into(),
            field_type: FieldType::String,
            required,
            description: String::new(),
        },
        value,
        default,
    };
    assert!(view(true, ShownValue::Unset, ShownValue::Unset).is_missing());
    assert!(!view(true, ShownValue::SecretSet, ShownValue::Unset).is_missing());
    assert!(!view(true, ShownValue::Unset, ShownValue::Text("x".into())).is_missing());
    assert!(!view(false, ShownValue::Unset, ShownValue::Unset).is_missing());
}
