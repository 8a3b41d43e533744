//! The rules of the Add destination form: every field checked, every broken rule named.

use app::domain::notifications::{
    looks_like_address, AlertEvent, DestinationDraft, DestinationKind, SmtpSecurity,
    MAX_DESTINATION_NAME_CHARS, MAX_RECIPIENTS,
};
use app::error::{note, AppError, FieldError};
use serde::{Deserialize, Serialize};

use crate::oauth::connection_rules::is_loopback;

const MAX_URL_CHARS: usize = 2000;
const MAX_SMTP_TEXT_CHARS: usize = 254;

/// The plain settings of an e-mail destination (its password is sealed apart).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// [`SmtpSecurity::as_str`].
    pub security: String,
    pub username: String,
    pub from: String,
    pub to: Vec<String>,
}

/// Where the destination sends: a URL, or an SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Url(url::Url),
    Smtp {
        settings: SmtpSettings,
        password: String,
    },
}

/// A draft that keeps every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDestination {
    pub name: String,
    pub kind: DestinationKind,
    pub target: Target,
    pub events: Vec<AlertEvent>,
}

impl CheckedDestination {
    /// What the list shows: the URL's host (its path may hold a credential), or the server and
    /// the recipients.
    pub fn shown_target(&self) -> String {
        match &self.target {
            Target::Url(url) => url.host_str().unwrap_or_default().to_string(),
            Target::Smtp { settings, .. } => {
                format!("{} → {}", settings.host, settings.to.join(", "))
            }
        }
    }
}

/// The checked destination, or every rule broken. `allow_plain`: the operator allows plain
/// http and unencrypted SMTP beyond this machine.
pub fn check_destination(
    draft: &DestinationDraft,
    allow_plain: bool,
) -> Result<CheckedDestination, AppError> {
    let mut errors = Vec::new();
    let name = note(&mut errors, check_name(&draft.name));
    let events = note(&mut errors, check_events(&draft.events));
    let kind = DestinationKind::parse(&draft.kind);
    let target = match kind {
        None => {
            errors.push(field_error(
                "kind",
                "must be Webhook, Slack, Microsoft Teams or E-mail",
            ));
            None
        }
        Some(DestinationKind::Email) => check_smtp(draft, allow_plain, &mut errors),
        Some(_) => note(
            &mut errors,
            check_webhook_url(&draft.url, allow_plain).map(Some),
        ),
    };
    AppError::check_fields(errors)?;
    match (kind, target) {
        (Some(kind), Some(target)) => Ok(CheckedDestination {
            name,
            kind,
            target,
            events,
        }),
        _ => Err(AppError::Internal),
    }
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
    }
}

fn check_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "is required"));
    }
    if name.chars().count() > MAX_DESTINATION_NAME_CHARS {
        let rule = format!("must be at most {MAX_DESTINATION_NAME_CHARS} characters");
        return Err(AppError::invalid("name", &rule));
    }
    Ok(name.to_string())
}

fn check_events(raw: &[String]) -> Result<Vec<AlertEvent>, AppError> {
    let mut events = Vec::new();
    for name in raw {
        match AlertEvent::parse(name).filter(|event| *event != AlertEvent::Test) {
            Some(event) if !events.contains(&event) => events.push(event),
            Some(_) => {}
            None => {
                let rule = format!("{name:?} is not an event an alert is sent for");
                return Err(AppError::invalid("events", &rule));
            }
        }
    }
    if events.is_empty() {
        return Err(AppError::invalid("events", "choose at least one event"));
    }
    Ok(events)
}

/// An https URL (plain http for this machine, or where the operator allows it), without a
/// user name or password.
pub fn check_webhook_url(raw: &str, allow_plain: bool) -> Result<Target, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::invalid("url", "is required"));
    }
    if text.chars().count() > MAX_URL_CHARS {
        let rule = format!("must be at most {MAX_URL_CHARS} characters");
        return Err(AppError::invalid("url", &rule));
    }
    let url = url::Url::parse(text).map_err(|_| {
        AppError::invalid(
            "url",
            "must be an absolute URL such as https://hooks.example.com/…",
        )
    })?;
    let Some(host) = url.host() else {
        return Err(AppError::invalid("url", "must name a host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::invalid(
            "url",
            "must not hold a user name or password",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_plain || is_loopback(&host) => {}
        "http" => return Err(AppError::invalid(
            "url",
            "must use https (plain http only for localhost, or with BIFROST_ALLOW_HTTP_OAUTH=true)",
        )),
        _ => return Err(AppError::invalid("url", "must be an http or https URL")),
    }
    Ok(Target::Url(url))
}

fn check_smtp(
    draft: &DestinationDraft,
    allow_plain: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Target> {
    let host = note(errors, check_smtp_host(&draft.smtp_host));
    let security = SmtpSecurity::parse(&draft.smtp_security);
    if security.is_none() {
        errors.push(field_error(
            "smtp_security",
            "must be STARTTLS, TLS or None",
        ));
    }
    let port = note(errors, check_port(&draft.smtp_port, security));
    let username = note(errors, check_text("smtp_username", &draft.smtp_username));
    let password = note(errors, check_text("smtp_password", &draft.smtp_password));
    if username.is_empty() != password.is_empty() {
        let field = if username.is_empty() {
            "smtp_username"
        } else {
            "smtp_password"
        };
        errors.push(field_error(
            field,
            "give both a user name and a password, or neither",
        ));
    }
    if security == Some(SmtpSecurity::Plain) {
        note(
            errors,
            check_plain(&host, !username.is_empty(), allow_plain),
        );
    }
    let from = note(errors, check_addresses("email_from", &draft.email_from, 1));
    let to = note(
        errors,
        check_addresses("email_to", &draft.email_to, MAX_RECIPIENTS),
    );
    let settings = SmtpSettings {
        host,
        port,
        security: security
            .map(SmtpSecurity::as_str)
            .unwrap_or_default()
            .to_string(),
        username,
        from: from.into_iter().next().unwrap_or_default(),
        to,
    };
    Some(Target::Smtp { settings, password })
}

fn check_smtp_host(raw: &str) -> Result<String, AppError> {
    let host = raw.trim();
    if host.is_empty() {
        return Err(AppError::invalid("smtp_host", "is required"));
    }
    if host.len() <= MAX_SMTP_TEXT_CHARS && url::Host::parse(host).is_ok() {
        return Ok(host.to_ascii_lowercase());
    }
    Err(AppError::invalid(
        "smtp_host",
        "must be a host name or an address, such as smtp.example.com",
    ))
}

fn check_port(raw: &str, security: Option<SmtpSecurity>) -> Result<u16, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(security.map_or(587, SmtpSecurity::default_port));
    }
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(AppError::invalid(
            "smtp_port",
            "must be a number from 1 to 65535",
        )),
    }
}

fn check_text(field: &str, raw: &str) -> Result<String, AppError> {
    if raw.chars().count() > MAX_SMTP_TEXT_CHARS {
        let rule = format!("must be at most {MAX_SMTP_TEXT_CHARS} characters");
        return Err(AppError::invalid(field, &rule));
    }
    Ok(raw.trim().to_string())
}

/// No encryption: never with credentials, and only to this machine unless the operator allows.
fn check_plain(host: &str, credentials: bool, allow_plain: bool) -> Result<(), AppError> {
    if credentials {
        return Err(AppError::invalid(
            "smtp_security",
            "None would send the password unencrypted: choose STARTTLS or TLS",
        ));
    }
    let local = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    if !local && !allow_plain {
        return Err(AppError::invalid(
            "smtp_security",
            "None is only for a relay on this machine (localhost), or with BIFROST_ALLOW_HTTP_OAUTH=true",
        ));
    }
    Ok(())
}

fn check_addresses(field: &str, raw: &str, most: usize) -> Result<Vec<String>, AppError> {
    let addresses: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|address| !address.is_empty())
        .map(str::to_string)
        .collect();
    if addresses.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if addresses.len() > most {
        let rule = if most == 1 {
            "must be one address".to_string()
        } else {
            format!("must be at most {most} addresses, separated by commas")
        };
        return Err(AppError::invalid(field, &rule));
    }
    if let Some(bad) = addresses
        .iter()
        .find(|address| !looks_like_address(address) || address.parse::<lettre::Address>().is_err())
    {
        let rule = format!("{bad:?} is not an e-mail address");
        return Err(AppError::invalid(field, &rule));
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests;
