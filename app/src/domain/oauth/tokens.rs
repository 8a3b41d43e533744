//! OAuth tokens as the OAuth and Mappings tabs show them: where each stands, and what a
//! failed Connect or Test Connection says.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{OrganizationId, TokenId};

use super::OAuthConnectionView;

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
    pub id: TokenId,
    /// `None` for the connection's shared token.
    pub organization_id: Option<OrganizationId>,
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
