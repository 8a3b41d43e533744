//! The rules an OAuth connection's settings must pass: names usable in the redirect URI,
//! absolute https URLs (plain http only for loopback unless the operator allows it),
//! `{entity_id}` and `{field}` placeholders where `url_template` allows them, extra parameters that cannot
//! override the ones the server sets, and a write-only client secret.

use app::domain::integration::{parse_integration_name, parse_text};
use app::domain::oauth::{
    parse_extra_parameters, parse_scopes, EntityIdSource, GrantType, OAuthConnectionDraft,
    SecretChange, MAX_OAUTH_TEXT_CHARS, MAX_URL_CHARS,
};
use app::error::{note, AppError, FieldError};
use secrecy::SecretString;

use super::url_template::UrlTemplate;
use crate::store::oauth_connections::{OAuthConnectionFields, SecretWrite};

pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(address) => address.is_loopback(),
        url::Host::Ipv6(address) => address.is_loopback(),
    }
}

/// An absolute http(s) URL, or `""` when optional and empty.
pub(crate) fn check_url(
    field: &str,
    raw: &str,
    required: bool,
    allow_plain_http: bool,
) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return if required {
            Err(AppError::invalid(field, "is required"))
        } else {
            Ok(String::new())
        };
    }
    if text.chars().count() > MAX_URL_CHARS {
        return Err(AppError::invalid(
            field,
            &format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    let parsed = parse_with_placeholders(field, text)?;
    check_scheme(field, &parsed, allow_plain_http)?;
    if parsed.fragment().is_some() {
        return Err(AppError::invalid(field, "must not have a #fragment"));
    }
    Ok(text.to_string())
}

/// What every placeholder is filled with to parse the URL: a host name, so a placeholder in the
/// host parses too. Where each placeholder may stand is `url_template`'s rule.
const STAND_IN: &str = "bifrostplaceholder";

/// The URL parsed with each placeholder filled by a stand-in, after `url_template` checked where
/// each one lands: never the scheme, a user name or a port; `{entity_id}` never in the host.
fn parse_with_placeholders(field: &str, text: &str) -> Result<url::Url, AppError> {
    let probe = UrlTemplate::parse(text)
        .and_then(|template| template.fill(|_| Some(STAND_IN.to_string())))
        .map_err(|error| AppError::invalid(field, &error.to_string()))?;
    let parsed = url::Url::parse(&probe).map_err(|_| {
        AppError::invalid(
            field,
            "must be an absolute URL such as https://login.example.com/oauth2/token",
        )
    })?;
    if parsed.host().is_none() {
        return Err(AppError::invalid(field, "must name a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::invalid(
            field,
            "must not hold a user name or password",
        ));
    }
    Ok(parsed)
}

/// https, or plain http for loopback or where the operator allows it.
fn check_scheme(field: &str, parsed: &url::Url, allow_plain_http: bool) -> Result<(), AppError> {
    let loopback = parsed.host().is_some_and(|host| is_loopback(&host));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_plain_http || loopback => Ok(()),
        "http" => Err(AppError::invalid(
            field,
            "must use https (plain http only for localhost, or with BIFROST_ALLOW_HTTP_OAUTH=true)",
        )),
        _ => Err(AppError::invalid(field, "must be an http or https URL")),
    }
}

/// The checked settings, or every rule broken.
pub(crate) fn check_draft(
    draft: &OAuthConnectionDraft,
    allow_plain_http: bool,
) -> Result<(OAuthConnectionFields, SecretWrite), AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let name = note(&mut errors, parse_integration_name(&draft.name));
    let (authorization_url, token_url, revocation_url) =
        checked_urls(draft, allow_plain_http, &mut errors);
    let client_id = note(
        &mut errors,
        parse_text("client_id", &draft.client_id, MAX_OAUTH_TEXT_CHARS, false),
    );
    if client_id.is_empty() && !errors.iter().any(|e| e.field == "client_id") {
        errors.push(FieldError {
            field: "client_id".into(),
            message: "is required".into(),
        });
    }
    let scopes = note(&mut errors, parse_scopes(&draft.scopes));
    let extra_parameters = note(&mut errors, parse_extra_parameters(&draft.extra_parameters));
    let entity_id_source = note(&mut errors, EntityIdSource::parse(&draft.entity_id_source))
        .map(|source| source.as_text())
        .unwrap_or_default();
    let audience = note(
        &mut errors,
        parse_text("audience", &draft.audience, MAX_OAUTH_TEXT_CHARS, false),
    );
    let client_secret_expires_at = note(
        &mut errors,
        parse_expiry_date(&draft.client_secret_expires_on),
    );
    let secret = secret_write(&draft.client_secret).unwrap_or_else(|error| {
        errors.extend(error.into_field_errors());
        SecretWrite::Keep
    });
    AppError::check_fields(errors)?;
    let fields = OAuthConnectionFields {
        name,
        grant_type: draft.grant_type.as_str(),
        authorization_url,
        token_url,
        client_id,
        scopes: scopes.join(" "),
        pkce: draft.pkce,
        extra_parameters: serde_json::to_string(&extra_parameters)
            .map_err(|_| AppError::Internal)?,
        audience,
        revocation_url,
        entity_id_source,
        client_secret_expires_at,
    };
    Ok((fields, secret))
}

/// The client secret's last day, `YYYY-MM-DD`, or `None` when left empty.
fn parse_expiry_date(raw: &str) -> Result<Option<i64>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    app::domain::time::parse_date(raw).map(Some).ok_or_else(|| {
        AppError::invalid(
            "client_secret_expires_on",
            "must be a date such as 2027-06-30 (YYYY-MM-DD)",
        )
    })
}

/// The authorization, token and revocation URLs, each broken rule noted in `errors`.
fn checked_urls(
    draft: &OAuthConnectionDraft,
    allow_plain_http: bool,
    errors: &mut Vec<FieldError>,
) -> (String, String, String) {
    let needs_authorization = draft.grant_type == GrantType::AuthorizationCode;
    let authorization_url = note(
        errors,
        check_url(
            "authorization_url",
            &draft.authorization_url,
            needs_authorization,
            allow_plain_http,
        ),
    );
    let token_url = note(
        errors,
        check_url("token_url", &draft.token_url, true, allow_plain_http),
    );
    let revocation_url = note(
        errors,
        check_url(
            "revocation_url",
            &draft.revocation_url,
            false,
            allow_plain_http,
        ),
    );
    (authorization_url, token_url, revocation_url)
}

/// The client secret's change; an empty entry keeps the stored one.
fn secret_write(change: &SecretChange) -> Result<SecretWrite, AppError> {
    match change {
        SecretChange::Keep => Ok(SecretWrite::Keep),
        SecretChange::Clear => Ok(SecretWrite::Clear),
        SecretChange::Set(text) if text.is_empty() => Ok(SecretWrite::Keep),
        SecretChange::Set(text)
            if text.chars().any(char::is_control)
                || text.chars().count() > MAX_OAUTH_TEXT_CHARS =>
        {
            Err(AppError::invalid(
                "client_secret",
                &format!(
                    "must be at most {MAX_OAUTH_TEXT_CHARS} characters without control characters"
                ),
            ))
        }
        SecretChange::Set(text) => Ok(SecretWrite::Set(SecretString::from(text.clone()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_https_with_placeholders_only_where_they_cannot_move_the_request() {
        let ok = |raw: &str| check_url("token_url", raw, true, false);
        assert!(ok("https://login.microsoftonline.com/{entity_id}/oauth2/v2.0/token").is_ok());
        assert!(ok("https://{halo_host}/auth/token?tenant={tenant_name}").is_ok());
        assert!(ok("https://{region}.auth.example.com/{entity_id}/token").is_ok());
        assert!(ok("http://127.0.0.1:3171/token").is_ok());
        assert!(ok("http://localhost/token").is_ok());
        for (raw, rule) in [
            ("", "is required"),
            ("login.example.com/token", "absolute URL"),
            ("http://login.example.com/token", "must use https"),
            ("ftp://example.com/x", "http or https"),
            (
                "https://example.com/{Tenant}/token",
                "{Tenant} is not a field key",
            ),
            ("{scheme}://example.com/token", "may not choose the scheme"),
            (
                "https://login.example.com:{port}/token",
                "user name or port",
            ),
            ("https://{who}@login.example.com/token", "user name or port"),
            ("http://{halo_host}/token", "must use https"),
            ("https://example.com/token#x", "fragment"),
            ("https://{entity_id}.example.com/token", "not in the host"),
            (
                "https://login.example.com{entity_id}/token",
                "not in the host",
            ),
            (
                "https://user:pass@login.example.com/token",
                "user name or password",
            ),
        ] {
            let error = ok(raw).expect_err(raw);
            assert!(
                error
                    .for_field("token_url")
                    .is_some_and(|m| m.contains(rule)),
                "{raw}: {error}"
            );
        }
        assert!(
            check_url("token_url", "http://idp.internal/token", true, true).is_ok(),
            "allowed by the operator"
        );
        assert_eq!(
            check_url("revocation_url", "  ", false, false),
            Ok(String::new())
        );
    }

    #[test]
    fn a_draft_reports_every_broken_rule_and_needs_an_authorization_url_only_for_the_code_grant() {
        let draft = OAuthConnectionDraft {
            name: "Graph Tenant".into(),
            token_url: "http://example.com/token".into(),
            extra_parameters: "state=1".into(),
            ..Default::default()
        };
        let error = check_draft(&draft, false).expect_err("invalid");
        for field in [
            "name",
            "authorization_url",
            "token_url",
            "client_id",
            "extra_parameters",
        ] {
            assert!(error.for_field(field).is_some(), "{field}: {error}");
        }
        let client_credentials = OAuthConnectionDraft {
            name: "Halo".into(),
            grant_type: GrantType::ClientCredentials,
            token_url: "https://halo.example.com/auth/token".into(),
            client_id: "id".into(),
            client_secret: SecretChange::Set("s".into()),
            ..Default::default()
        };
        let (fields, secret) = check_draft(&client_credentials, false).expect("valid");
        assert_eq!(fields.authorization_url, "");
        assert!(matches!(secret, SecretWrite::Set(_)));
    }
}
