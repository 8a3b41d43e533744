//! The OAuth client side: building authorization URLs and talking to a provider's token and
//! revocation endpoints with the `oauth2` crate. No storage and no rules about who may connect;
//! the services decide those. Nothing here logs a token, a code or a client secret.

pub mod client;

pub use client::{OAuthClient, PROVIDER_TIMEOUT};

use secrecy::SecretString;

/// A provider's token lifetime when its answer has no `expires_in` (documented in the README).
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

/// The settings of one provider call, with `{entity_id}` already filled in.
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

/// What a token endpoint granted.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub token_type: String,
    /// Seconds, as the provider said; `None` when it did not say.
    pub expires_in: Option<i64>,
    /// The granted scopes, when the provider listed them.
    pub scopes: Option<Vec<String>>,
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
    /// The connection's settings cannot make a request (bad URL after filling in the entity ID).
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

/// Replaces `{entity_id}` with the URL-encoded entity ID.
pub fn fill_entity_id(url: &str, entity_id: &str) -> String {
    url.replace(
        app::domain::oauth::ENTITY_ID_PLACEHOLDER,
        &urlencoding::encode(entity_id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entity_id_is_url_encoded_where_it_is_filled_in() {
        assert_eq!(
            fill_entity_id("https://login.example.com/{entity_id}/token", "a b/c"),
            "https://login.example.com/a%20b%2Fc/token"
        );
    }

    #[test]
    fn only_unavailability_is_transient() {
        assert!(ProviderError::Unavailable("timeout".into()).is_transient());
        assert!(!ProviderError::InvalidGrant(String::new()).is_transient());
        assert!(!ProviderError::Garbage.is_transient());
    }
}
