//! The OAuth tab: link a connection (or configure one inline), Connect, the shared token's
//! status with Refresh now and Disconnect, and Test Connection.
//!
//! The tab renders on the server (the shared token's part in `token_status`). Its buttons and
//! the test form are plain HTML inside one island, whose listeners do what they name; the server
//! calls and dialogs behind them load on first use.

use leptos::prelude::*;

use super::token_status::ConnectionStatus;
use crate::domain::ids::{ConnectionId, IntegrationId, OrganizationId, TokenId};
use crate::domain::integration::{IntegrationView, MappingSummary};
use crate::domain::oauth::{oauth_error_message, IntegrationOAuthView, OAuthConnectionView};
use crate::error::AppError;
use crate::serverfns::integrations::{get_integration, link_oauth_connection};
use crate::serverfns::mappings::list_mappings;
use crate::serverfns::oauth::{
    get_integration_oauth, list_oauth_connections, refresh_oauth_token, start_oauth_connect,
    test_connection, DisconnectOauthToken,
};
use crate::ui::components::dialog::ConfirmServerCall;
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{
    go_to, on_demand, reload_page, start_page_island, use_page_query, ListButton, PageQuery,
};
use crate::ui::pages::oauth_connection_form::{ConnectionForm, Editing};

/// What the tab shows, loaded on the server.
struct OAuthSetup {
    integration: IntegrationView,
    oauth: Option<IntegrationOAuthView>,
    connections: Vec<OAuthConnectionView>,
    /// The first page of mapped organizations, to test with.
    mappings: Vec<MappingSummary>,
}

#[component]
pub fn OAuthTab(name: String, query: PageQuery) -> impl IntoView {
    // The callback message reads the query.
    provide_context(query.clone());
    let load = async move {
        let integration = get_integration(name).await?;
        let oauth = get_integration_oauth(integration.id).await?;
        let connections = list_oauth_connections().await?;
        let mappings = if integration.oauth_connection.is_some() {
            list_mappings(integration.id, String::new(), 1).await?.items
        } else {
            Vec::new()
        };
        Ok::<_, AppError>(OAuthSetup {
            integration,
            oauth,
            connections,
            mappings,
        })
    };
    let created = query.has("created").then(|| view! {
        <p class="success" role="status">"Integration created with its OAuth connection. Click Connect to authorize, then set its defaults on the Configuration tab."</p>
    });
    view! {
        {created}
        <CallbackMessage />
        {when_loaded(load, move |setup| {
            let integration_id = setup.integration.id;
            let linked = setup.integration.oauth_connection.is_some();
            view! {
                <OAuthWorkspace integration_id query>
                    {match setup.oauth {
                        Some(oauth) => view! { <ConnectionStatus oauth /> }.into_any(),
                        None => view! {
                            <p>"No OAuth connection is linked. Workflows get "<code>"oauth: null"</code>" for this integration."</p>
                        }.into_any(),
                    }}
                    <LinkConnection connections=setup.connections linked=setup.integration.oauth_connection.map(|link| link.id) />
                    {linked.then(|| view! { <TestConnectionForm mappings=setup.mappings /> })}
                </OAuthWorkspace>
            }
        })}
    }
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

/// What a button of the tab opened.
#[derive(Clone, PartialEq)]
enum Opened {
    NewConnection,
    Disconnect {
        token_id: TokenId,
        connection: String,
    },
}

/// A test request, numbered so that the same one sent twice runs twice.
#[derive(Clone, PartialEq)]
struct TestRequest {
    organization_id: Option<OrganizationId>,
    path: String,
    number: u32,
}

/// The server-rendered tab (`children`): one listener does what its buttons name in
/// `data-oauth-action`, another sends the test form. Failures show above the tab.
#[island(lazy)]
fn OAuthWorkspace(
    integration_id: IntegrationId,
    query: PageQuery,
    children: Children,
) -> impl IntoView {
    start_page_island(query);
    let opened = RwSignal::new(None::<Opened>);
    let error = RwSignal::new(None::<String>);
    let test = RwSignal::new(None::<TestRequest>);
    let on_click = move |event: leptos::ev::MouseEvent| {
        let Some(ListButton {
            element: button,
            action,
        }) = ListButton::clicked(&event, "data-oauth-action")
        else {
            return;
        };
        let data = |name: &str| button.get_attribute(name).unwrap_or_default();
        let token_id: TokenId = data("data-token").parse().unwrap_or_default();
        match action.as_str() {
            "configure" => opened.set(Some(Opened::NewConnection)),
            "disconnect" => opened.set(Some(Opened::Disconnect {
                token_id,
                connection: data("data-connection"),
            })),
            _ => {
                let chosen = selected_connection();
                error.set(None);
                let _ = button.set_attribute("disabled", "");
                leptos::task::spawn_local(async move {
                    if let Err(failure) =
                        run_oauth_action(action, integration_id, token_id, chosen).await
                    {
                        let _ = button.remove_attribute("disabled");
                        error.set(Some(failure.to_string()));
                    }
                });
            }
        }
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (organization_id, path) = test_form_values(&event);
        let number = test.get_untracked().map_or(0, |last| last.number + 1);
        test.set(Some(TestRequest {
            organization_id,
            path,
            number,
        }));
    };
    view! {
        {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {move || opened.get().map(|chosen| on_demand(oauth_dialog(integration_id, chosen, opened)))}
        <div on:click=on_click on:submit=on_submit>
            {children()}
        </div>
        {move || test.get().map(|request| on_demand(run_test(integration_id, request.organization_id, request.path)))}
    }
}

/// The connection chosen in "Link an existing OAuth connection" (`None` for None).
fn selected_connection() -> Option<ConnectionId> {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id("oauth-connection")
        .and_then(|select| select.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .and_then(|select| select.value().parse().ok())
}

/// The organization and path of the test form.
fn test_form_values(event: &leptos::ev::SubmitEvent) -> (Option<OrganizationId>, String) {
    use wasm_bindgen::JsCast;
    let data = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
        .and_then(|form| web_sys::FormData::new_with_form(&form).ok());
    let value = |name: &str| {
        data.as_ref()
            .and_then(|data| data.get(name).as_string())
            .unwrap_or_default()
    };
    (value("organization").parse().ok(), value("path"))
}

/// Connect (the browser goes on to the provider, which comes back to this tab), Refresh now and
/// Save OAuth connection. Their code loads on first use.
#[lazy]
async fn run_oauth_action(
    action: String,
    integration_id: IntegrationId,
    token_id: TokenId,
    connection_id: Option<ConnectionId>,
) -> Result<(), AppError> {
    match action.as_str() {
        "connect" => start_oauth_connect(integration_id, None)
            .await
            .map(|url| go_to(&url)),
        "refresh" => refresh_oauth_token(integration_id, token_id)
            .await
            .map(|_| reload_page()),
        _ => link_oauth_connection(integration_id, connection_id)
            .await
            .map(|_| reload_page()),
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn oauth_dialog(
    integration_id: IntegrationId,
    chosen: Opened,
    opened: RwSignal<Option<Opened>>,
) -> AnyView {
    match chosen {
        Opened::NewConnection => {
            // Created and linked in one go.
            let on_saved = Callback::new(move |saved: OAuthConnectionView| {
                leptos::task::spawn_local(async move {
                    if link_oauth_connection(integration_id, Some(saved.id))
                        .await
                        .is_ok()
                    {
                        reload_page();
                    }
                });
            });
            view! { <ConnectionForm mode=Editing::New on_close=Callback::new(move |()| opened.set(None)) on_saved /> }.into_any()
        }
        Opened::Disconnect {
            token_id,
            connection,
        } => view! { <ConfirmDisconnect integration_id token_id connection opened /> }.into_any(),
    }
}

#[component]
fn ConfirmDisconnect(
    integration_id: IntegrationId,
    token_id: TokenId,
    connection: String,
    opened: RwSignal<Option<Opened>>,
) -> impl IntoView {
    view! {
        <ConfirmServerCall input=DisconnectOauthToken { integration_id, token_id } labelled_by="confirm-disconnect"
            confirm_label="Disconnect" on_close=Callback::new(move |()| opened.set(None))>
            <p id="confirm-disconnect"><strong>{format!("Disconnect “{connection}”?")}</strong></p>
            <p>"The stored access and refresh tokens are deleted (and revoked at the provider when the connection has a revocation URL). Workflows get no token until someone connects again."</p>
        </ConfirmServerCall>
    }
}

/// Sends the test request and shows what came back; loads on the first test.
#[lazy]
async fn run_test(
    integration_id: IntegrationId,
    organization_id: Option<OrganizationId>,
    path: String,
) -> AnyView {
    match test_connection(integration_id, organization_id, path).await {
        Ok(outcome) => view! {
            <div class="test-result" role="status">
                <p><strong>{format!("HTTP {}", outcome.status)}</strong>{format!(" in {} ms · GET {}", outcome.millis, outcome.url)}</p>
                <pre class="code">{outcome.body_excerpt}</pre>
            </div>
        }
        .into_any(),
        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
    }
}

/// Link an existing connection, or create one inline and link it.
#[component]
fn LinkConnection(
    connections: Vec<OAuthConnectionView>,
    linked: Option<ConnectionId>,
) -> impl IntoView {
    view! {
        <h2>"Link an OAuth provider"</h2>
        <div class="inline-form oauth-link">
            <div class="field">
                <label for="oauth-connection">"Link an existing OAuth connection"</label>
                <select id="oauth-connection">
                    <option value="" selected=linked.is_none()>"None"</option>
                    {connections.into_iter().map(|connection| view! {
                        <option value=connection.id.to_string() selected=linked == Some(connection.id)>{connection.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="button" data-oauth-action="link">"Save OAuth connection"</button>
            <button type="button" class="button secondary" data-oauth-action="configure">"Configure a new connection"</button>
        </div>
        <p class="muted">"Connections are also created and edited under "<a href="/settings/oauth">"OAuth Connections"</a>"."</p>
    }
}

/// A GET to `base_url` + a path with an organization's token, to prove the setup works.
#[component]
fn TestConnectionForm(mappings: Vec<MappingSummary>) -> impl IntoView {
    view! {
        <h2>"Test Connection"</h2>
        <p class="muted">"Sends a GET to base_url + the path with the chosen organization's bearer token. The token is never shown. base_url may hold {entity_id} and any string field as {field_key}, filled for the organization (a string field may name the host)."</p>
        <form class="inline-form test-connection">
            <div class="field">
                <label for="test-organization">"Organization"</label>
                <select id="test-organization" name="organization">
                    <option value="">"Global scope (shared token)"</option>
                    {mappings.into_iter().map(|mapping| view! {
                        <option value=mapping.organization_id.to_string()>{mapping.organization_name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="test-path">"Path"</label>
                <input id="test-path" name="path" type="text" value="/" />
            </div>
            <button type="submit" class="button secondary">"Test connection"</button>
        </form>
    }
}
