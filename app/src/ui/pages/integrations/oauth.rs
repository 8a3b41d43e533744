//! The OAuth tab: link a connection (or configure one inline), Connect, the shared token's
//! status with Refresh now and Disconnect, and Test Connection.

use leptos::prelude::*;

use super::layout::{start_tab_island, with_integration, CurrentIntegration};
use crate::domain::integration::IntegrationView;
use crate::domain::oauth::{
    oauth_error_message, IntegrationOAuthView, OAuthConnectionView, OAuthTokenView, TokenState,
};
use crate::domain::time::format_utc;
use crate::serverfns::integrations::LinkOauthConnection;
use crate::serverfns::mappings::list_mappings;
use crate::serverfns::oauth::{
    get_integration_oauth, list_oauth_connections, DisconnectOauthToken, RefreshOauthToken,
    StartOauthConnect, TestConnection,
};
use crate::ui::components::dialog::ConfirmDialog;
use crate::ui::islands::{go_to, sent_with_page, use_page_query, PageQuery};
use crate::ui::pages::oauth_connections::{ConnectionForm, Editing};

#[island(lazy)]
pub fn OAuthTab(name: String, query: PageQuery) -> impl IntoView {
    start_tab_island(name, query);
    with_integration(|integration| view! { <OAuthPanel integration /> })
}

/// The message the OAuth callback sends back in the query string.
#[component]
pub fn CallbackMessage() -> impl IntoView {
    let query = use_page_query();
    if query.get("oauth").as_deref() == Some("connected") {
        Some(view! { <p class="success" role="status">"Connected. The tokens are stored encrypted."</p> }.into_any())
    } else {
        query.get("oauth_error").map(|code| {
            let reason = query.get("reason").unwrap_or_default();
            view! { <p class="error" role="alert">{oauth_error_message(&code, &reason)}</p> }
                .into_any()
        })
    }
}

/// Connect's server action: once it has the provider's URL, the browser goes there.
pub fn connect_action() -> ServerAction<StartOauthConnect> {
    let connect = ServerAction::<StartOauthConnect>::new();
    Effect::new(move |_| {
        if let Some(Ok(url)) = connect.value().get() {
            go_to(&url);
        }
    });
    connect
}

pub fn state_badge(state: TokenState) -> impl IntoView {
    let class = match state {
        TokenState::Connected => "badge ok-badge",
        TokenState::NeedsReconnect => "badge warning-badge",
        TokenState::NotConnected | TokenState::Disconnected => "badge muted-badge",
    };
    view! { <span class=class>{state.label()}</span> }
}

#[component]
fn OAuthPanel(integration: IntegrationView) -> impl IntoView {
    let integration_id = integration.id;
    let version = RwSignal::new(0u32);
    let oauth = sent_with_page(move || {
        Resource::new(
            move || version.get(),
            move |_| get_integration_oauth(integration_id),
        )
    });
    let linked = integration.oauth_connection.as_ref().map(|link| link.id);
    view! {
        <CallbackMessage />
        <Transition fallback=|| view! { <p class="muted">"Loading the connection status…"</p> }>
            {move || oauth.get().map(|result| match result {
                Ok(Some(view)) => view! { <ConnectionStatus integration_id view version /> }.into_any(),
                Ok(None) => view! {
                    <p>"No OAuth connection is linked. Workflows get "<code>"oauth: null"</code>" for this integration."</p>
                }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <LinkConnection integration_id linked />
        {linked.is_some().then(|| view! { <TestConnectionPanel integration_id /> })}
    }
    .into_any()
}

#[component]
fn ConnectionStatus(
    integration_id: i64,
    view: IntegrationOAuthView,
    version: RwSignal<u32>,
) -> impl IntoView {
    let IntegrationOAuthView {
        connection, shared, ..
    } = view;
    let client_credentials =
        connection.grant_type == crate::domain::oauth::GrantType::ClientCredentials;
    let state = shared
        .as_ref()
        .map_or(TokenState::NotConnected, |t| t.state);
    let name = connection.name.clone();
    let grant_label = connection.grant_type.label();
    let redirect_uri = connection.redirect_uri.clone();
    view! {
        <h2>"OAuth connection"</h2>
        <dl class="details">
            <dt>"Connection"</dt>
            <dd><a href="/settings/oauth">{name}</a>" · "{grant_label}</dd>
            <dt>"Redirect URI"</dt>
            <dd><code>{redirect_uri}</code></dd>
            <dt>"Status"</dt>
            <dd class="token-status">{state_badge(state)}</dd>
            {shared.clone().map(token_details)}
        </dl>
        <TokenActions integration_id connection shared client_credentials version />
    }
    .into_any()
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

#[component]
fn TokenActions(
    integration_id: i64,
    connection: OAuthConnectionView,
    shared: Option<OAuthTokenView>,
    client_credentials: bool,
    version: RwSignal<u32>,
) -> impl IntoView {
    let connect = connect_action();
    let refresh = ServerAction::<RefreshOauthToken>::new();
    let disconnect = ServerAction::<DisconnectOauthToken>::new();
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(refresh.value().get(), Some(Ok(_)))
            || matches!(disconnect.value().get(), Some(Ok(())))
        {
            confirming.set(false);
            version.update(|n| *n += 1);
        }
    });
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
    let error = Signal::derive(move || {
        connect
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| refresh.value().get().and_then(Result::err))
            .map(|error| error.to_string())
    });
    let title = StoredValue::new(format!("Disconnect “{}”?", connection.name));
    view! {
        <div class="form-actions">
            <button type="button" class="button" disabled=connect.pending()
                on:click=move |_| { connect.dispatch(StartOauthConnect { integration_id, mapping_id: None }); }>
                {move || if connect.pending().get() { "Opening the provider…" } else { connect_label }}
            </button>
            {token_id.filter(|_| state == TokenState::Connected && can_refresh).map(|token_id| view! {
                <button type="button" class="button secondary" disabled=refresh.pending()
                    on:click=move |_| { refresh.dispatch(RefreshOauthToken { integration_id, token_id }); }>
                    {move || if refresh.pending().get() { "Refreshing…" } else { "Refresh now" }}
                </button>
            })}
            {has_tokens.then(|| view! {
                <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Disconnect"</button>
            })}
        </div>
        {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {token_id.map(|token_id| view! {
            <Show when=move || confirming.get()>
                <ConfirmDialog labelled_by="confirm-disconnect" confirm_label="Disconnect" pending=disconnect.pending()
                    error=Signal::derive(move || disconnect.value().get().and_then(Result::err).map(|error| error.to_string()))
                    on_confirm=Callback::new(move |()| { disconnect.dispatch(DisconnectOauthToken { integration_id, token_id }); })
                    open=confirming>
                    <p id="confirm-disconnect"><strong>{title.get_value()}</strong></p>
                    <p>"The stored access and refresh tokens are deleted (and revoked at the provider when the connection has a revocation URL). Workflows get no token until someone connects again."</p>
                </ConfirmDialog>
            </Show>
        })}
    }
    .into_any()
}

/// Link an existing connection, or create one inline and link it.
#[component]
fn LinkConnection(integration_id: i64, linked: Option<i64>) -> impl IntoView {
    let current = expect_context::<CurrentIntegration>();
    let connections = sent_with_page(move || Resource::new(|| (), |_| list_oauth_connections()));
    let chosen = RwSignal::new(linked);
    let link = ServerAction::<LinkOauthConnection>::new();
    let inline = RwSignal::new(None::<Editing>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = link.value().get() {
            current.changes.update(|n| *n += 1);
        }
    });
    let on_saved = Callback::new(move |saved: OAuthConnectionView| {
        inline.set(None);
        link.dispatch(LinkOauthConnection {
            integration_id,
            connection_id: Some(saved.id),
        });
    });
    view! {
        <h2>"Link an OAuth provider"</h2>
        <div class="inline-form oauth-link">
            <div class="field">
                <label for="oauth-connection">"Link an existing OAuth connection"</label>
                <Transition fallback=|| view! { <p class="muted">"Loading connections…"</p> }>
                    {move || connections.get().map(|result| match result {
                        Ok(list) => view! {
                            <select id="oauth-connection" on:change=move |event| chosen.set(event_target_value(&event).parse().ok())>
                                <option value="" selected=move || chosen.get().is_none()>"None"</option>
                                {list.into_iter().map(|connection| view! {
                                    <option value=connection.id.to_string() selected=move || chosen.get() == Some(connection.id)>{connection.name}</option>
                                }).collect_view()}
                            </select>
                        }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    })}
                </Transition>
            </div>
            <button type="button" class="button" disabled=link.pending()
                on:click=move |_| { link.dispatch(LinkOauthConnection { integration_id, connection_id: chosen.get_untracked() }); }>
                "Save OAuth connection"
            </button>
            <button type="button" class="button secondary" on:click=move |_| inline.set(Some(Editing::New))>
                "Configure a new connection"
            </button>
        </div>
        {move || link.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
        {move || inline.get().map(|mode| view! {
            <ConnectionForm mode on_close=Callback::new(move |()| inline.set(None)) on_saved />
        })}
        <p class="muted">"Connections are also created and edited under "<a href="/settings/oauth">"OAuth Connections"</a>"."</p>
    }
    .into_any()
}

/// A GET to `base_url` + a path with an organization's token, to prove the setup works.
#[component]
fn TestConnectionPanel(integration_id: i64) -> impl IntoView {
    let mappings = sent_with_page(move || {
        Resource::new(
            || (),
            move |_| list_mappings(integration_id, String::new(), 1),
        )
    });
    let organization = RwSignal::new(None::<i64>);
    let path = RwSignal::new(String::from("/"));
    let test = ServerAction::<TestConnection>::new();
    view! {
        <h2>"Test Connection"</h2>
        <p class="muted">"Sends a GET to base_url + the path with the chosen organization's bearer token. The token is never shown."</p>
        <form class="inline-form test-connection" on:submit=move |event| {
            event.prevent_default();
            test.dispatch(TestConnection { integration_id, organization_id: organization.get_untracked(), path: path.get_untracked() });
        }>
            <div class="field">
                <label for="test-organization">"Organization"</label>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || mappings.get().map(|result| view! {
                        <select id="test-organization" on:change=move |event| organization.set(event_target_value(&event).parse().ok())>
                            <option value="">"Global scope (shared token)"</option>
                            {result.map(|page| page.items).unwrap_or_default().into_iter().map(|mapping| view! {
                                <option value=mapping.organization_id.to_string()>{mapping.organization_name}</option>
                            }).collect_view()}
                        </select>
                    })}
                </Transition>
            </div>
            <div class="field">
                <label for="test-path">"Path"</label>
                <input id="test-path" type="text" prop:value=move || path.get() on:input=move |event| path.set(event_target_value(&event)) />
            </div>
            <button type="submit" class="button secondary" disabled=test.pending()>
                {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
            </button>
        </form>
        {move || test.value().get().map(|result| match result {
            Ok(outcome) => view! {
                <div class="test-result" role="status">
                    <p><strong>{format!("HTTP {}", outcome.status)}</strong>{format!(" in {} ms · GET {}", outcome.millis, outcome.url)}</p>
                    <pre class="code">{outcome.body_excerpt}</pre>
                </div>
            }.into_any(),
            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
        })}
    }
    .into_any()
}
