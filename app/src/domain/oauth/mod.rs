//! OAuth connections: the client settings an integration authorizes with. Shapes shared by
//! server and browser, and the rules that need no IO.

use serde::{Deserialize, Serialize};

use crate::domain::ids::ConnectionId;

use crate::error::AppError;

mod consent;
mod tokens;

pub use consent::*;
pub use tokens::*;

pub const MAX_URL_CHARS: usize = 2000;
pub const MAX_OAUTH_TEXT_CHARS: usize = 500;
/// The placeholder an authorization or token URL may hold, filled per organization.
pub const ENTITY_ID_PLACEHOLDER: &str = "{entity_id}";
/// Authorization parameters the server sets itself, which extra parameters may not override.
pub const RESERVED_PARAMETERS: [&str; 8] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "client_secret",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    #[default]
    AuthorizationCode,
    ClientCredentials,
}

impl GrantType {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::ClientCredentials => "client_credentials",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "Authorization code",
            GrantType::ClientCredentials => "Client credentials",
        }
    }

    pub fn parse(text: &str) -> Option<GrantType> {
        [GrantType::AuthorizationCode, GrantType::ClientCredentials]
            .into_iter()
            .find(|grant| grant.as_str() == text)
    }
}

/// What to do with a write-only secret on save. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SecretChange {
    #[default]
    Keep,
    Set(String),
    Clear,
}

impl std::fmt::Debug for SecretChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretChange::Keep => f.write_str("Keep"),
            SecretChange::Set(_) => f.write_str("Set(…)"),
            SecretChange::Clear => f.write_str("Clear"),
        }
    }
}

/// The connection form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OAuthConnectionDraft {
    pub name: String,
    pub grant_type: GrantType,
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: SecretChange,
    /// Space- or comma-separated.
    pub scopes: String,
    pub pkce: bool,
    /// One `key=value` per line, added to the authorization URL.
    pub extra_parameters: String,
    pub audience: String,
    pub revocation_url: String,
    /// Where the provider reports an organization's entity ID after it connects:
    /// `id_token:<claim>` or `response:<field>`; empty for nowhere.
    #[serde(default)]
    pub entity_id_source: String,
    /// `YYYY-MM-DD`: the last day the client secret works, for the health centre and alerts;
    /// empty when unknown.
    #[serde(default)]
    pub client_secret_expires_on: String,
    /// For an edit: the connection's version when the form was opened, so a save over someone
    /// else's change is refused instead of silently undoing it.
    #[serde(default)]
    pub opened_at_version: Option<i64>,
}

/// A connection as the browser sees it: the client secret only says whether it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthConnectionView {
    pub id: ConnectionId,
    pub name: String,
    pub grant_type: GrantType,
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret_set: bool,
    pub scopes: Vec<String>,
    pub pkce: bool,
    pub extra_parameters: Vec<(String, String)>,
    pub audience: String,
    pub revocation_url: String,
    pub entity_id_source: String,
    /// The first millisecond of the client secret's last day, when known.
    pub client_secret_expires_at: Option<i64>,
    /// The exact redirect URI to register with the provider.
    pub redirect_uri: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Moves forward with every save; an edit names the version it started from.
    pub version: i64,
}

impl OAuthConnectionView {
    /// The edit form's starting point (the secret stays on the server).
    pub fn to_draft(&self) -> OAuthConnectionDraft {
        OAuthConnectionDraft {
            name: self.name.clone(),
            grant_type: self.grant_type,
            authorization_url: self.authorization_url.clone(),
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: SecretChange::Keep,
            scopes: self.scopes.join(" "),
            pkce: self.pkce,
            extra_parameters: self
                .extra_parameters
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join("\n"),
            audience: self.audience.clone(),
            revocation_url: self.revocation_url.clone(),
            entity_id_source: self.entity_id_source.clone(),
            client_secret_expires_on: self
                .client_secret_expires_at
                .map(crate::domain::time::format_date)
                .unwrap_or_default(),
            opened_at_version: Some(self.version),
        }
    }
}

/// Where the provider reports an entity ID, as the connection form writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityIdSource {
    /// A claim of the OpenID Connect ID token, e.g. `tid` (Microsoft's tenant ID).
    IdTokenClaim(String),
    /// A field of the token response, e.g. `tenant_id`.
    ResponseField(String),
}

impl EntityIdSource {
    /// `None` for empty text; an error names the rule.
    pub fn parse(text: &str) -> Result<Option<EntityIdSource>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let rule = "must be id_token:<claim> or response:<field>, e.g. id_token:tid";
        let (kind, name) = text
            .split_once(':')
            .ok_or_else(|| AppError::invalid("entity_id_source", rule))?;
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        match kind {
            "id_token" if valid_name => Ok(Some(EntityIdSource::IdTokenClaim(name.to_string()))),
            "response" if valid_name => Ok(Some(EntityIdSource::ResponseField(name.to_string()))),
            _ => Err(AppError::invalid("entity_id_source", rule)),
        }
    }

    pub fn as_text(&self) -> String {
        match self {
            EntityIdSource::IdTokenClaim(claim) => format!("id_token:{claim}"),
            EntityIdSource::ResponseField(field) => format!("response:{field}"),
        }
    }
}

/// Scopes from space- or comma-separated text, in order, without repeats.
pub fn parse_scopes(text: &str) -> Result<Vec<String>, AppError> {
    if text.len() > MAX_URL_CHARS {
        return Err(AppError::invalid(
            "scopes",
            &format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split([' ', ',', '\n', '\t']).filter(|s| !s.is_empty()) {
        if scope
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
        {
            return Err(AppError::invalid(
                "scopes",
                &format!("“{scope}” is not a valid scope"),
            ));
        }
        if !scopes.iter().any(|known| known == scope) {
            scopes.push(scope.to_string());
        }
    }
    Ok(scopes)
}

/// Extra authorization parameters from `key=value` lines.
pub fn parse_extra_parameters(text: &str) -> Result<Vec<(String, String)>, AppError> {
    let field = "extra_parameters";
    if text.len() > MAX_URL_CHARS {
        return Err(AppError::invalid(
            field,
            &format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    let mut parameters: Vec<(String, String)> = Vec::new();
    for (index, line) in text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        let line_no = index + 1;
        let Some((key, value)) = line.split_once('=') else {
            return Err(AppError::invalid(
                field,
                &format!("line {line_no}: write key=value"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(AppError::invalid(
                field,
                &format!("line {line_no}: “{key}” is not a parameter name"),
            ));
        }
        if RESERVED_PARAMETERS.contains(&key) {
            return Err(AppError::invalid(
                field,
                &format!("line {line_no}: “{key}” is set by Bifrost itself"),
            ));
        }
        if parameters.iter().any(|(known, _)| known == key) {
            return Err(AppError::invalid(
                field,
                &format!("line {line_no}: “{key}” is given twice"),
            ));
        }
        parameters.push((key.to_string(), value.to_string()));
    }
    Ok(parameters)
}

#[cfg(test)]
mod tests;
