//! The Add destination form's rules, field by field.

use super::*;

fn email_draft() -> DestinationDraft {
    DestinationDraft {
        name: "Ops mail".into(),
        kind: "email".into(),
        smtp_host: "smtp.example.com".into(),
        smtp_security: "starttls".into(),
        smtp_username: "alerts".into(),
        smtp_password: "hunter22".into(),
        email_from: "bifrost@example.com".into(),
        email_to: "ops@example.com, noc@example.com".into(),
        events: vec!["oauth.needs_reconnect".into()],
        ..DestinationDraft::default()
    }
}

fn fields_of(result: Result<CheckedDestination, AppError>) -> Vec<String> {
    let error = result.expect_err("refused");
    error
        .into_field_errors()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn an_email_destination_keeps_its_settings_and_shows_no_password() {
    let checked = check_destination(&email_draft(), false).expect("valid");
    let Target::Smtp { settings, password } = &checked.target else {
        panic!("an SMTP target");
    };
    assert_eq!(settings.port, 587);
    assert_eq!(settings.to, ["ops@example.com", "noc@example.com"]);
    assert_eq!(password, "hunter22");
    assert_eq!(
        checked.shown_target(),
        "smtp.example.com → ops@example.com, noc@example.com"
    );
}

#[test]
fn every_broken_rule_is_named_by_its_field() {
    let draft = DestinationDraft {
        name: " ".into(),
        smtp_host: "smtp example".into(),
        smtp_port: "70000".into(),
        smtp_password: String::new(),
        email_from: "not an address".into(),
        email_to: String::new(),
        events: vec!["oauth.everything".into()],
        ..email_draft()
    };
    let fields = fields_of(check_destination(&draft, false));
    for field in [
        "name",
        "events",
        "smtp_host",
        "smtp_port",
        "smtp_password",
        "email_from",
        "email_to",
    ] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
}

#[test]
fn unencrypted_smtp_is_for_this_machine_and_never_with_a_password() {
    let plain = |host: &str, user: &str, pass: &str| DestinationDraft {
        smtp_host: host.into(),
        smtp_security: "none".into(),
        smtp_username: user.into(),
        smtp_password: pass.into(),
        ..email_draft()
    };
    assert!(check_destination(&plain("127.0.0.1", "", ""), false).is_ok());
    assert!(check_destination(&plain("localhost", "", ""), false).is_ok());
    assert_eq!(
        fields_of(check_destination(&plain("smtp.example.com", "", ""), false)),
        ["smtp_security"]
    );
    assert!(check_destination(&plain("smtp.example.com", "", ""), true).is_ok());
    assert_eq!(
        fields_of(check_destination(&plain("localhost", "u", "p"), true)),
        ["smtp_security"]
    );
}

#[test]
fn webhook_urls_are_https_without_credentials() {
    let hook = |url: &str| DestinationDraft {
        name: "Hook".into(),
        kind: "slack".into(),
        url: url.into(),
        events: vec!["oauth.recovered".into()],
        ..DestinationDraft::default()
    };
    let checked = check_destination(
        &hook("https://hooks.slack.com/services/T0/B0/secret"),
        false,
    )
    .expect("valid");
    assert_eq!(checked.shown_target(), "hooks.slack.com");
    assert!(check_destination(&hook("http://127.0.0.1:9/hook"), false).is_ok());
    for bad in [
        "http://hooks.example.com/x",
        "https://user:pw@hooks.example.com/",
        "ftp://x.example/",
        "hooks",
    ] {
        assert_eq!(
            fields_of(check_destination(&hook(bad), false)),
            ["url"],
            "{bad}"
        );
    }
    let no_kind = DestinationDraft {
        kind: "pager".into(),
        ..hook("https://x.example/")
    };
    assert_eq!(fields_of(check_destination(&no_kind, false)), ["kind"]);
}
