//! The OAuth rules that need no IO.

use super::*;

#[test]
fn debug_output_never_shows_the_client_secret() {
    let draft = OAuthConnectionDraft {
        client_secret: SecretChange::Set("very-secret".into()),
        ..Default::default()
    };
    assert!(!format!("{draft:?}").contains("very-secret"));
}

#[test]
fn entity_id_sources_name_an_id_token_claim_or_a_response_field() {
    assert_eq!(EntityIdSource::parse("").expect("empty"), None);
    assert_eq!(
        EntityIdSource::parse(" id_token:tid ").expect("claim"),
        Some(EntityIdSource::IdTokenClaim("tid".into()))
    );
    assert_eq!(
        EntityIdSource::parse("response:tenant_id").expect("field"),
        Some(EntityIdSource::ResponseField("tenant_id".into()))
    );
    for bad in [
        "tid",
        "header:x",
        "id_token:",
        "response:a b",
        "id_token:<script>",
    ] {
        let error = EntityIdSource::parse(bad).expect_err(bad);
        assert!(error.for_field("entity_id_source").is_some(), "{bad}");
    }
}

#[test]
fn scopes_split_on_spaces_and_commas_without_repeats() {
    assert_eq!(
        parse_scopes("openid, offline_access  User.Read openid").expect("scopes"),
        vec!["openid", "offline_access", "User.Read"]
    );
    assert!(parse_scopes("a\"b").is_err());
}

#[test]
fn extra_parameters_are_key_value_lines_that_cannot_override_ours() {
    assert_eq!(
        parse_extra_parameters("prompt=consent\n\n access_type = offline ").expect("params"),
        vec![
            ("prompt".to_string(), "consent".to_string()),
            ("access_type".to_string(), "offline".to_string())
        ]
    );
    for (bad, rule) in [
        ("prompt", "key=value"),
        ("state=x", "set by Bifrost"),
        ("a=1\na=2", "twice"),
        ("=x", "not a parameter name"),
    ] {
        let error = parse_extra_parameters(bad).expect_err(bad);
        assert!(
            error
                .for_field("extra_parameters")
                .is_some_and(|m| m.contains(rule)),
            "{bad}: {error}"
        );
    }
}
