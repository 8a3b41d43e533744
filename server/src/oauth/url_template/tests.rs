//! Where a placeholder may land, and how its value is filled in or refused.

use super::*;

fn values(key: &str) -> Option<String> {
    match key {
        "entity_id" => Some("tenant a/b".to_string()),
        "cw_host" => Some("EU.MyConnectWise.net".to_string()),
        "company" => Some("acme & sons".to_string()),
        "blank" => Some("  ".to_string()),
        "evil_host" => Some("evil.example.com/x?".to_string()),
        "at_host" => Some("user@evil.example.com".to_string()),
        _ => None,
    }
}

fn filled(template: &str) -> Result<String, UrlTemplateError> {
    UrlTemplate::parse(template)?.fill(values)
}

#[test]
fn a_field_may_name_the_host_and_its_value_must_be_a_host_name() {
    assert_eq!(
        filled("https://{cw_host}/v4_6_release/apis/3.0"),
        Ok("https://eu.myconnectwise.net/v4_6_release/apis/3.0".to_string())
    );
    assert_eq!(
        filled("https://api.{cw_host}:8443/x"),
        Ok("https://api.eu.myconnectwise.net:8443/x".to_string())
    );
    for key in ["evil_host", "at_host", "company"] {
        assert_eq!(
            filled(&format!("https://{{{key}}}/token")),
            Err(UrlTemplateError::NotAHost(key.to_string()))
        );
    }
}

#[test]
fn values_outside_the_host_are_percent_encoded() {
    assert_eq!(
        filled("https://login.example.com/{entity_id}/token?company={company}"),
        Ok("https://login.example.com/tenant%20a%2Fb/token?company=acme%20%26%20sons".to_string())
    );
}

#[test]
fn no_placeholder_chooses_the_scheme_a_user_or_a_port() {
    assert_eq!(
        filled("{cw_host}://x.example.com"),
        Err(UrlTemplateError::InScheme)
    );
    assert_eq!(
        filled("http{company}://x.example.com"),
        Err(UrlTemplateError::InScheme)
    );
    assert_eq!(filled("{cw_host}/path"), Err(UrlTemplateError::InScheme));
    assert_eq!(
        filled("https://{company}@x.example.com/"),
        Err(UrlTemplateError::InUserOrPort("company".to_string()))
    );
    assert_eq!(
        filled("https://x.example.com:{company}/"),
        Err(UrlTemplateError::InUserOrPort("company".to_string()))
    );
}

#[test]
fn the_entity_id_never_names_the_host() {
    assert_eq!(
        filled("https://{entity_id}.example.com/token"),
        Err(UrlTemplateError::EntityIdInHost)
    );
}

#[test]
fn a_missing_or_blank_value_names_the_field() {
    assert_eq!(
        filled("https://x.example.com/{nowhere}"),
        Err(UrlTemplateError::Missing("nowhere".to_string()))
    );
    assert_eq!(
        filled("https://{blank}/"),
        Err(UrlTemplateError::Missing("blank".to_string()))
    );
    let message = UrlTemplateError::Missing("cw_host".to_string()).to_string();
    assert!(message.contains("cw_host"), "{message}");
}

#[test]
fn malformed_placeholders_are_refused() {
    assert_eq!(
        filled("https://x.example.com/{a"),
        Err(UrlTemplateError::Unbalanced)
    );
    assert_eq!(
        filled("https://x.example.com/a}"),
        Err(UrlTemplateError::Unbalanced)
    );
    assert_eq!(
        filled("https://x.example.com/{Tenant-ID}"),
        Err(UrlTemplateError::BadPlaceholder("Tenant-ID".to_string()))
    );
    assert_eq!(
        filled("https://x.example.com/{}"),
        Err(UrlTemplateError::BadPlaceholder(String::new()))
    );
}

#[test]
fn the_placeholders_are_listed_once_each_in_order() {
    let template = UrlTemplate::parse("https://{cw_host}/{entity_id}/{cw_host}?c={company}");
    assert_eq!(
        template.map(|t| t.placeholders().join(",")),
        Ok("cw_host,entity_id,company".to_string())
    );
    assert_eq!(
        filled("https://x.example.com/plain"),
        Ok("https://x.example.com/plain".to_string())
    );
}
