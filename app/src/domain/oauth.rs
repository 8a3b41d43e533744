//! OAuth connections: the client settings an integration authorizes with. Shapes shared by
//! server and browser, and the rules that need no IO.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
    /// For an edit: the connection's version when the form was opened, so a save over someone
    /// else's change is refused instead of silently undoing it.
    #[serde(default)]
    pub opened_at_version: Option<i64>,
}

/// A connection as the browser sees it: the client secret only says whether it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthConnectionView {
    pub id: i64,
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

/// Where an OAuth token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    NotConnected,
    Connected,
    NeedsReconnect,
    Disconnected,
}

impl TokenState {
    pub fn label(self) -> &'static str {
        match self {
            TokenState::NotConnected => "Not connected",
            TokenState::Connected => "Connected",
            TokenState::NeedsReconnect => "Needs reconnect",
            TokenState::Disconnected => "Disconnected",
        }
    }

    pub fn parse(text: &str) -> TokenState {
        match text {
            "connected" => TokenState::Connected,
            "needs_reconnect" => TokenState::NeedsReconnect,
            "disconnected" => TokenState::Disconnected,
            _ => TokenState::NotConnected,
        }
    }
}

/// A token's status as the browser sees it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthTokenView {
    pub id: i64,
    /// `None` for the connection's shared token.
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub state: TokenState,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
    pub refreshed_at: Option<i64>,
    pub connected_by: String,
    pub connected_at: Option<i64>,
    /// The provider's error when the token needs reconnecting or the last refresh failed.
    pub last_error: String,
    /// Without one the token cannot be refreshed and needs reconnecting once it expires.
    pub has_refresh_token: bool,
    pub client_credentials: bool,
}

/// The OAuth tab of an integration: its connection and the tokens of that connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationOAuthView {
    pub connection: OAuthConnectionView,
    /// The shared token (used where no organization-specific token is linked).
    pub shared: Option<OAuthTokenView>,
    /// Organization-specific tokens of the connection, to show on mappings and link to them.
    pub organization_tokens: Vec<OAuthTokenView>,
}

/// What the Test Connection button found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTestResult {
    pub url: String,
    pub status: u16,
    pub millis: u64,
    /// The first part of the body, with the token blanked out if the API echoed it.
    pub body_excerpt: String,
}

/// What the OAuth callback's `oauth_error` parameter means, for the page it returns to.
pub fn oauth_error_message(code: &str, reason: &str) -> String {
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    };
    match code {
        "denied" => {
            format!("Authorization was denied at the provider{reason}. Nothing was changed.")
        }
        "unavailable" => format!(
            "The provider's token endpoint did not answer{reason}. Nothing was changed; try again."
        ),
        "exchange" => format!("The provider did not issue tokens{reason}. Nothing was changed."),
        _ => "Connecting failed. Nothing was changed.".to_string(),
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
mod tests {
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
}
