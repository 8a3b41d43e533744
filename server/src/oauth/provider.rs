//! What a provider call needs and gives: its settings with their placeholders filled in, the token
//! it granted, and how it failed. Nothing here logs a token, a code or a client secret.

use secrecy::SecretString;

/// A provider's token lifetime when its answer has no `expires_in` (documented in the README).
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

/// The settings of one provider call, with `{entity_id}` and `{field}` already filled in.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub scopes: Vec<String>,
    pub extra_parameters: Vec<(String, String)>,
    pub audience: String,
    pub revocation_url: String,
    pub redirect_uri: String,
}

/// What a token endpoint granted. `Debug` shows no token and no extra field's value.
#[derive(Clone)]
pub struct TokenGrant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub token_type: String,
    /// Seconds, as the provider said; `None` when it did not say.
    pub expires_in: Option<i64>,
    /// The granted scopes, when the provider listed them.
    pub scopes: Option<Vec<String>>,
    /// Every other field of the answer (`id_token`, `tenant_id`, …).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .field("refresh_token", &self.refresh_token.is_some())
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The longest entity ID taken from a provider's answer.
const MAX_REPORTED_CHARS: usize = 255;

impl TokenGrant {
    /// What the provider reports at `source` (an ID-token claim or a response field), as text.
    /// The ID token came straight from the token endpoint over the connection's TLS, which
    /// OpenID Connect accepts in place of checking its signature.
    pub fn reported(&self, source: &app::domain::oauth::EntityIdSource) -> Option<String> {
        use app::domain::oauth::EntityIdSource;
        let value = match source {
            EntityIdSource::ResponseField(field) => self.extra.get(field).cloned(),
            EntityIdSource::IdTokenClaim(claim) => {
                let token = self.extra.get("id_token")?.as_str()?;
                id_token_claims(token)?.remove(claim)
            }
        }?;
        let text = match value {
            serde_json::Value::String(text) => text,
            serde_json::Value::Number(number) => number.to_string(),
            _ => return None,
        };
        let text = text.trim();
        (!text.is_empty()
            && text.chars().count() <= MAX_REPORTED_CHARS
            && !text.chars().any(char::is_control))
        .then(|| text.to_string())
    }
}

/// The claims of a JWT's payload, unverified.
fn id_token_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(claims) => Some(claims),
        _ => None,
    }
}

/// Why a provider call failed. Messages name the provider's error code, never a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The grant (code or refresh token) is no longer valid: the admin must connect again.
    #[error("the provider refused the grant (invalid_grant{})", detail(.0))]
    InvalidGrant(String),
    /// Any other OAuth error answer (`invalid_client`, `unauthorized_client`, …).
    #[error("the provider answered {code}{}", detail(.description))]
    Refused { code: String, description: String },
    /// Timeout, connection failure or a 5xx answer: worth trying again later.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
    /// An answer that is not an OAuth token response.
    #[error("the provider's answer was not a valid token response")]
    Garbage,
    /// The connection's settings cannot make a request (a URL that cannot be filled in, an
    /// unreadable client secret).
    #[error("{0}")]
    Settings(String),
}

impl ProviderError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, ProviderError::Unavailable(_))
    }
}

fn detail(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant_with(extra: serde_json::Value) -> TokenGrant {
        TokenGrant {
            access_token: SecretString::from("access"),
            refresh_token: None,
            token_type: "Bearer".into(),
            expires_in: None,
            scopes: None,
            extra: extra.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn the_entity_id_is_read_from_an_id_token_claim_or_a_response_field() {
        use app::domain::oauth::EntityIdSource;
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"tid":"9f8e-tenant","sub":"someone","n":42}"#);
        let grant = grant_with(serde_json::json!({
            "id_token": format!("e30.{payload}.signature"),
            "tenant_id": "halo-7",
        }));
        let claim = |name: &str| EntityIdSource::IdTokenClaim(name.into());
        assert_eq!(
            grant.reported(&claim("tid")).as_deref(),
            Some("9f8e-tenant")
        );
        assert_eq!(grant.reported(&claim("n")).as_deref(), Some("42"));
        assert_eq!(grant.reported(&claim("missing")), None);
        assert_eq!(
            grant
                .reported(&EntityIdSource::ResponseField("tenant_id".into()))
                .as_deref(),
            Some("halo-7")
        );
        assert_eq!(
            grant_with(serde_json::json!({ "id_token": "garbage" })).reported(&claim("tid")),
            None
        );
        assert!(!format!("{grant:?}").contains("halo-7"));
    }

    #[test]
    fn only_unavailability_is_transient() {
        assert!(ProviderError::Unavailable("timeout".into()).is_transient());
        assert!(!ProviderError::InvalidGrant(String::new()).is_transient());
        assert!(!ProviderError::Garbage.is_transient());
    }
}
