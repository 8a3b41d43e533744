//! The values an OAuth connection's URLs are filled with in one scope: `{entity_id}` and any
//! string config field as `{field}` (a ConnectWise or Halo host per customer). They are read from
//! the scope's merged config at Connect and kept on the authorization and on the token, so the
//! code exchange, every refresh and the revocation go where the consent was given, whatever the
//! config says later.

use std::collections::BTreeMap;

use app::domain::integration::FieldType;
use app::error::AppError;

use super::url_template::{UrlTemplate, UrlTemplateError, ENTITY_ID};
use crate::services::configuration::MergedConfig;
use crate::store::integrations::FieldRow;
use crate::store::oauth_connections::OAuthConnectionRow;

/// Field key to value, kept as JSON text on `oauth_states` and `oauth_tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlValues(BTreeMap<String, String>);

impl UrlValues {
    /// The kept text; anything unreadable counts as no values, which filling then reports.
    pub fn from_text(text: &str) -> UrlValues {
        UrlValues(serde_json::from_str(text).unwrap_or_default())
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".to_string())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl FromIterator<(String, String)> for UrlValues {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        UrlValues(pairs.into_iter().collect())
    }
}

/// The config fields (not `{entity_id}`) the connection's URLs name, each once.
pub fn connection_fields(connection: &OAuthConnectionRow) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let urls = [
        &connection.authorization_url,
        &connection.token_url,
        &connection.revocation_url,
    ];
    for url in urls {
        let Ok(template) = UrlTemplate::parse(url) else {
            continue;
        };
        for key in template.placeholders() {
            if key != ENTITY_ID && !keys.iter().any(|known| known == key) {
                keys.push(key.to_string());
            }
        }
    }
    keys
}

/// Why the field `key` cannot fill a URL, if it cannot: only string fields do, never a secret.
pub fn unfit_url_field(key: &str, fields: &[FieldRow]) -> Option<String> {
    let field_type = fields
        .iter()
        .find(|field| field.field_key == key)
        .map(|field| field.field_type.as_str());
    match field_type {
        _ if key == ENTITY_ID => None,
        Some(kind) if kind == FieldType::Secret.as_str() => Some(format!(
            "cannot use {{{key}}}: it is a secret field, and a secret is never put in a URL"
        )),
        Some(kind) if kind != FieldType::String.as_str() => Some(format!(
            "cannot use {{{key}}}: only string fields fill a URL"
        )),
        _ => None,
    }
}

/// The scope's values of the fields the connection's URLs name. The first field that is not a
/// string field of the integration, or has no value in this scope, is an error naming it.
pub fn scope_url_values(
    connection: &OAuthConnectionRow,
    merged: &MergedConfig,
    fields: &[FieldRow],
) -> Result<UrlValues, AppError> {
    let mut values = BTreeMap::new();
    for key in connection_fields(connection) {
        if !fields.iter().any(|field| field.field_key == key) {
            return Err(AppError::invalid(
                &key,
                &format!(
                    "the OAuth connection's URLs name {{{key}}}: add {key} as a string field of this integration"
                ),
            ));
        }
        if let Some(why) = unfit_url_field(&key, fields) {
            return Err(AppError::invalid(&key, &why));
        }
        let value = merged
            .config
            .get(&key)
            .and_then(|value| value.as_str())
            .filter(|value| !value.trim().is_empty())
            .ok_or_else(|| {
                AppError::invalid(&key, &UrlTemplateError::Missing(key.clone()).to_string())
            })?;
        values.insert(key, value.to_string());
    }
    Ok(UrlValues(values))
}

/// `url` with `{entity_id}` (percent-encoded, empty allowed as before) and the kept values filled
/// in under the host rules of `url_template`; `""` stays `""`.
pub fn fill_connection_url(
    url: &str,
    entity_id: &str,
    values: &UrlValues,
) -> Result<String, UrlTemplateError> {
    if url.is_empty() {
        return Ok(String::new());
    }
    let with_entity = url.replace(
        app::domain::oauth::ENTITY_ID_PLACEHOLDER,
        &urlencoding::encode(entity_id),
    );
    UrlTemplate::parse(&with_entity)?.fill(|key| values.get(key).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> UrlValues {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn the_entity_id_and_kept_values_fill_a_connection_url() {
        let kept = values(&[("halo_host", "Contoso.HaloPSA.com"), ("realm", "a b")]);
        assert_eq!(
            fill_connection_url(
                "https://{halo_host}/auth/{realm}/{entity_id}/token",
                "t/1",
                &kept
            ),
            Ok("https://contoso.halopsa.com/auth/a%20b/t%2F1/token".to_string())
        );
        assert_eq!(fill_connection_url("", "t", &kept), Ok(String::new()));
        assert_eq!(
            fill_connection_url("https://x.example.com/{entity_id}/token", "", &kept),
            Ok("https://x.example.com//token".to_string()),
            "an empty entity ID fills as before; Connect refuses it where it is needed"
        );
    }

    #[test]
    fn a_missing_or_hostile_value_is_refused_by_name() {
        let kept = values(&[("halo_host", "evil.example.com/x?")]);
        assert_eq!(
            fill_connection_url("https://{halo_host}/token", "", &kept),
            Err(UrlTemplateError::NotAHost("halo_host".into()))
        );
        assert_eq!(
            fill_connection_url("https://login.example.com/{realm}/token", "", &kept),
            Err(UrlTemplateError::Missing("realm".into()))
        );
    }

    #[test]
    fn kept_values_survive_their_text_and_bad_text_is_no_values() {
        let kept = values(&[("realm", "a\"b")]);
        assert_eq!(UrlValues::from_text(&kept.to_text()), kept);
        assert_eq!(UrlValues::from_text("not json"), UrlValues::default());
        assert_eq!(UrlValues::default().to_text(), "{}");
    }
}
