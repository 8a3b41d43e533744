//! The OAuth tab's shared token: the linked connection, the token's state and details, and the
//! buttons its state allows (their clicks go to the tab's island through `data-oauth-action`).
//! The state's badge is shown in the mappings table too.

use leptos::prelude::*;

use crate::domain::oauth::{
    GrantType, IntegrationOAuthView, OAuthConnectionView, OAuthTokenView, TokenState,
};
use crate::domain::time::format_utc;

/// The token's state as a badge.
pub fn state_badge(state: TokenState) -> impl IntoView {
    let class = match state {
        TokenState::Connected => "badge ok-badge",
        TokenState::NeedsReconnect => "badge warning-badge",
        TokenState::NotConnected | TokenState::Disconnected => "badge muted-badge",
    };
    view! { <span class=class>{state.label()}</span> }
}

#[component]
pub fn ConnectionStatus(oauth: IntegrationOAuthView) -> impl IntoView {
    let IntegrationOAuthView {
        connection, shared, ..
    } = oauth;
    let state = shared
        .as_ref()
        .map_or(TokenState::NotConnected, |t| t.state);
    view! {
        <h2>"OAuth connection"</h2>
        <dl class="details">
            <dt>"Connection"</dt>
            <dd><a href="/settings/oauth">{connection.name.clone()}</a>" · "{connection.grant_type.label()}</dd>
            <dt>"Redirect URI"</dt>
            <dd><code>{connection.redirect_uri.clone()}</code></dd>
            <dt>"Status"</dt>
            <dd class="token-status">{state_badge(state)}</dd>
            {shared.clone().map(token_details)}
        </dl>
        <TokenButtons connection shared />
    }
}

/// Scopes, expiry, last refresh, who connected it, the provider's last error.
pub fn token_details(token: OAuthTokenView) -> impl IntoView {
    let connected = matches!(
        token.state,
        TokenState::Connected | TokenState::NeedsReconnect
    );
    let scopes = if token.scopes.is_empty() {
        "—".to_string()
    } else {
        token.scopes.join(" ")
    };
    let no_refresh = token.state == TokenState::Connected
        && !token.has_refresh_token
        && !token.client_credentials;
    view! {
        {connected.then(|| view! {
            <dt>"Granted scopes"</dt><dd class="granted-scopes">{scopes}</dd>
            <dt>"Access token expires"</dt><dd>{token.expires_at.map_or("—".to_string(), format_utc)}</dd>
            <dt>"Last refresh"</dt><dd class="last-refresh">{token.refreshed_at.map_or("never".to_string(), format_utc)}</dd>
            <dt>"Connected by"</dt><dd>{format!("{} · {}", token.connected_by, token.connected_at.map_or("—".to_string(), format_utc))}</dd>
        })}
        {(!token.last_error.is_empty()).then(|| view! {
            <dt>"Provider error"</dt><dd class="error">{token.last_error.clone()}</dd>
        })}
        {no_refresh.then(|| view! {
            <dt>"Refresh token"</dt>
            <dd class="warning">"The provider gave no refresh token: this will need reconnecting when the access token expires."</dd>
        })}
    }
}

/// Connect (or Reconnect, or Get token), Refresh now and Disconnect, as the token's state allows.
#[component]
fn TokenButtons(connection: OAuthConnectionView, shared: Option<OAuthTokenView>) -> impl IntoView {
    let client_credentials = connection.grant_type == GrantType::ClientCredentials;
    let state = shared
        .as_ref()
        .map_or(TokenState::NotConnected, |t| t.state);
    let token_id = shared.as_ref().map(|t| t.id);
    let can_refresh = shared
        .as_ref()
        .is_some_and(|t| t.has_refresh_token || t.client_credentials);
    let has_tokens = matches!(state, TokenState::Connected | TokenState::NeedsReconnect);
    let connect_label = match (client_credentials, has_tokens) {
        (true, _) => "Get token",
        (false, true) => "Reconnect",
        (false, false) => "Connect",
    };
    view! {
        <div class="form-actions">
            <button type="button" class="button" data-oauth-action="connect">{connect_label}</button>
            {token_id.filter(|_| state == TokenState::Connected && can_refresh).map(|token_id| view! {
                <button type="button" class="button secondary" data-oauth-action="refresh" data-token=token_id.get()>"Refresh now"</button>
            })}
            {token_id.filter(|_| has_tokens).map(|token_id| view! {
                <button type="button" class="button danger" data-oauth-action="disconnect" data-token=token_id.get()
                    data-connection=connection.name.clone()>"Disconnect"</button>
            })}
        </div>
    }
}
