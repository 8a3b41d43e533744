//! URLs filled per organization: `{entity_id}` and any string config field as `{field_key}`.
//! No placeholder may choose the scheme, a user name or a port. A config field may name the host
//! (a ConnectWise or Halo host per customer), and its value must then be a host name; `{entity_id}`
//! never lands in the host. Everywhere else the value is percent-encoded.

use app::domain::integration::is_valid_field_key;

/// The placeholder filled with the scope's entity ID.
pub const ENTITY_ID: &str = "entity_id";

/// Why a template is refused or cannot be filled; each says which placeholder and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlTemplateError {
    #[error("{{{0}}} is not a field key (a–z, 0–9 and _)")]
    BadPlaceholder(String),
    #[error("a '{{' or '}}' without its pair")]
    Unbalanced,
    #[error(
        "a placeholder may not choose the scheme: the URL must start with https:// or http://"
    )]
    InScheme,
    #[error("{{{0}}} may not be in a user name or port")]
    InUserOrPort(String),
    #[error("{{entity_id}} may appear in the path or query, not in the host")]
    EntityIdInHost,
    #[error(
        "needs a value for {0}: set it on the Configuration tab or the organization's mapping"
    )]
    Missing(String),
    #[error("the value of {0} must be a host name (letters, digits, hyphens and dots)")]
    NotAHost(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Placeholder { key: String, in_host: bool },
}

/// A URL with placeholders, checked for where each one lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    parts: Vec<Part>,
}

impl UrlTemplate {
    pub fn parse(template: &str) -> Result<UrlTemplate, UrlTemplateError> {
        let parts = split(template)?;
        let authority = authority_range(template);
        let mut offset = 0;
        let mut checked = Vec::with_capacity(parts.len());
        for part in parts {
            let length = match &part {
                Part::Text(text) => text.len(),
                Part::Placeholder { key, .. } => key.len() + 2,
            };
            let part = match part {
                Part::Placeholder { key, .. } => Part::Placeholder {
                    in_host: place_of(&key, offset, &authority, template)?,
                    key,
                },
                text => text,
            };
            checked.push(part);
            offset += length;
        }
        Ok(UrlTemplate { parts: checked })
    }

    /// The field keys the template names, `entity_id` included, each once, in order.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Placeholder { key, .. } = part {
                if !keys.contains(&key.as_str()) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The URL with each placeholder's value from `value_of`; an empty value counts as missing.
    pub fn fill(
        &self,
        value_of: impl Fn(&str) -> Option<String>,
    ) -> Result<String, UrlTemplateError> {
        let mut url = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => url.push_str(text),
                Part::Placeholder { key, in_host } => {
                    let value = value_of(key)
                        .filter(|value| !value.trim().is_empty())
                        .ok_or_else(|| UrlTemplateError::Missing(key.clone()))?;
                    if *in_host {
                        if !is_host_name(&value) {
                            return Err(UrlTemplateError::NotAHost(key.clone()));
                        }
                        url.push_str(&value.to_ascii_lowercase());
                    } else {
                        url.push_str(&urlencoding::encode(&value));
                    }
                }
            }
        }
        Ok(url)
    }
}

fn split(template: &str) -> Result<Vec<Part>, UrlTemplateError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(UrlTemplateError::Unbalanced);
        }
        let close = rest[open..]
            .find('}')
            .map(|at| open + at)
            .ok_or(UrlTemplateError::Unbalanced)?;
        let key = &rest[open + 1..close];
        if !is_valid_field_key(key) {
            return Err(UrlTemplateError::BadPlaceholder(key.to_string()));
        }
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        parts.push(Part::Placeholder {
            key: key.to_string(),
            in_host: false,
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}

/// Byte offsets of the authority (after `scheme://`, up to the path, query or fragment), or
/// `None` when the template does not start with a scheme of letters.
fn authority_range(template: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = template.find("://")?;
    let scheme = &template[..scheme_end];
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let start = scheme_end + 3;
    let end = template[start..]
        .find(['/', '?', '#'])
        .map_or(template.len(), |at| start + at);
    Some(start..end)
}

/// Whether a placeholder at `offset` lands in the host; an error where it may not be at all.
fn place_of(
    key: &str,
    offset: usize,
    authority: &Option<std::ops::Range<usize>>,
    template: &str,
) -> Result<bool, UrlTemplateError> {
    let Some(authority) = authority else {
        return Err(UrlTemplateError::InScheme);
    };
    if offset < authority.start {
        return Err(UrlTemplateError::InScheme);
    }
    if offset >= authority.end {
        return Ok(false);
    }
    let before = &template[authority.start..offset];
    // After an '@' is the host; a ':' before it in the authority starts the port.
    let host_part = before.rsplit('@').next().unwrap_or(before);
    let in_user = template[authority.clone()].contains('@') && !before.contains('@');
    if in_user || host_part.contains(':') {
        return Err(UrlTemplateError::InUserOrPort(key.to_string()));
    }
    if key == ENTITY_ID {
        return Err(UrlTemplateError::EntityIdInHost);
    }
    Ok(true)
}

/// Letters, digits and hyphens in dot-separated labels, nothing that could end the host.
fn is_host_name(value: &str) -> bool {
    value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests;
