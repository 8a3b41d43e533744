//! Settings > OAuth Connections: the client settings integrations authorize with, and the exact
//! redirect URI to register with each provider.

use leptos::prelude::*;

use super::oauth_connection_form::{ConnectionForm, Editing};
use crate::domain::ids::ConnectionId;
use crate::domain::oauth::OAuthConnectionView;
use crate::serverfns::oauth::{list_oauth_connections, DeleteOauthConnection};
use crate::ui::components::dialog::ConfirmServerCall;
use crate::ui::components::empty_list::empty_note;
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::page_heading::PageHeading;
use crate::ui::islands::{on_demand, reload_page, start_page_island, ListButton, PageQuery};

/// Rendered on the server: the connections as cards, with the forms and confirmations in an
/// island whose code for each loads when it first opens.
#[component]
pub fn OAuthConnectionsPage(query: PageQuery) -> impl IntoView {
    view! {
        {when_loaded(list_oauth_connections(), move |list| view! {
            <ConnectionsWorkspace query>
                <ConnectionList list />
            </ConnectionsWorkspace>
        })}
    }
}

/// What a card's button opened.
#[derive(Clone, PartialEq)]
enum Opened {
    New,
    Edit(ConnectionId),
    Delete { id: ConnectionId, name: String },
}

/// The heading with New connection, the dialogs, and the server-rendered cards (`children`).
#[island(lazy)]
fn ConnectionsWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let opened = RwSignal::new(None::<Opened>);
    view! {
        <PageHeading title="OAuth Connections" button_label="New connection" on_click=Callback::new(move |()| opened.set(Some(Opened::New))) />
        <p class="lead">"The OAuth client settings your integrations authorize with. Register each connection's Redirect URI with the provider exactly as shown."</p>
        {move || opened.get().map(|chosen| on_demand(connection_dialog(chosen, opened)))}
        // The cards' buttons are rendered by the server; this listener does what they name.
        <div on:click=move |event| {
            let Some(button) = ListButton::clicked(&event, "data-connection-action") else {
                return;
            };
            let id = button.id();
            match button.action.as_str() {
                "copy" => copy_redirect_uri(&button.element, &button.data("data-uri")),
                "edit" => opened.set(Some(Opened::Edit(id))),
                "delete" => opened.set(Some(Opened::Delete { id, name: button.data("data-name") })),
                _ => {}
            }
        }>
            {children()}
        </div>
    }
}

/// Copies `uri` and shows "Copied" beside the button.
fn copy_redirect_uri(button: &web_sys::Element, uri: &str) {
    drop(window().navigator().clipboard().write_text(uri));
    if let Some(note) = button.next_element_sibling() {
        let _ = note.remove_attribute("hidden");
    }
}

#[component]
fn ConnectionList(list: Vec<OAuthConnectionView>) -> impl IntoView {
    if list.is_empty() {
        return empty_note(
            "No OAuth connections yet.",
            "Create one with the authorization and token URLs, client ID and secret, and scopes from your provider's app registration.",
        );
    }
    view! {
        <div class="connection-list">
            {list.into_iter().map(|connection| view! { <ConnectionCard connection /> }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn ConnectionCard(connection: OAuthConnectionView) -> impl IntoView {
    let id = connection.id;
    let name = connection.name.clone();
    let heading_id = format!("connection-{id}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card connection-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{connection.name.clone()}</h2>
            <dl class="details">
                <dt>"Grant Type"</dt><dd>{connection.grant_type.label()}</dd>
                <dt>"Client ID"</dt><dd><code>{connection.client_id.clone()}</code></dd>
                <dt>"Client Secret"</dt><dd>{if connection.client_secret_set { "Set" } else { "Not set" }}</dd>
                <dt>"Scopes"</dt><dd>{if connection.scopes.is_empty() { "—".to_string() } else { connection.scopes.join(" ") }}</dd>
                <dt>"PKCE"</dt><dd>{if connection.pkce { "On (S256)" } else { "Off" }}</dd>
                <dt>"Redirect URI"</dt>
                <dd class="redirect-uri">
                    <code>{connection.redirect_uri.clone()}</code>
                    <button type="button" class="button secondary small" aria-label=format!("Copy the redirect URI of {name}")
                        data-connection-action="copy" data-uri=connection.redirect_uri.clone()>"Copy"</button>
                    <span class="muted" role="status" hidden=true>"Copied"</span>
                </dd>
            </dl>
            <div class="form-actions">
                <button type="button" class="button secondary" aria-label=format!("Edit {name}")
                    data-connection-action="edit" data-id=id.get()>"Edit"</button>
                <button type="button" class="button danger" aria-label=format!("Delete {name}")
                    data-connection-action="delete" data-id=id.get() data-name=name.clone()>"Delete"</button>
            </div>
        </section>
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn connection_dialog(chosen: Opened, opened: RwSignal<Option<Opened>>) -> AnyView {
    let on_close = Callback::new(move |()| opened.set(None));
    // The cards are the server's: load the page again to show the change.
    let on_saved = Callback::new(move |_| reload_page());
    match chosen {
        Opened::New => view! { <ConnectionForm mode=Editing::New on_close on_saved /> }.into_any(),
        Opened::Edit(id) => view! { <EditConnection id on_close on_saved /> }.into_any(),
        Opened::Delete { id, name } => view! { <ConfirmDelete id name opened /> }.into_any(),
    }
}

/// The form for a connection that is already saved, once its settings have loaded.
#[component]
fn EditConnection(
    id: ConnectionId,
    on_close: Callback<()>,
    on_saved: Callback<OAuthConnectionView>,
) -> impl IntoView {
    let connections = Resource::new(|| (), |()| list_oauth_connections());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || connections.get().map(|result| {
                match result.map(|list| list.into_iter().find(|connection| connection.id == id)) {
                    Ok(Some(connection)) => view! {
                        <ConnectionForm mode=Editing::Existing(Box::new(connection)) on_close on_saved />
                    }.into_any(),
                    Ok(None) => view! { <p class="error" role="alert">"This connection no longer exists."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConfirmDelete(
    id: ConnectionId,
    name: String,
    opened: RwSignal<Option<Opened>>,
) -> impl IntoView {
    view! {
        <ConfirmServerCall input=DeleteOauthConnection { id } labelled_by="confirm-delete-connection"
            confirm_label="Delete connection" on_close=Callback::new(move |()| opened.set(None))>
            <p id="confirm-delete-connection"><strong>{format!("Delete the OAuth connection “{name}”?")}</strong></p>
            <p>"Its client settings are deleted; the provider's app registration is not touched."</p>
        </ConfirmServerCall>
    }
}
