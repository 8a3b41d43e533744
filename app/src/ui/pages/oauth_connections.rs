//! Settings > OAuth Connections: the client settings integrations authorize with, and the exact
//! redirect URI to register with each provider.

use leptos::prelude::*;

use crate::domain::oauth::{GrantType, OAuthConnectionDraft, OAuthConnectionView, SecretChange};
use crate::error::AppError;
use crate::serverfns::oauth::{
    list_oauth_connections, CreateOauthConnection, DeleteOauthConnection, UpdateOauthConnection,
};
use crate::ui::components::dialog::{focus_on_open, ConfirmDialog};
use crate::ui::components::form::{field_message, BoundField, NonFieldError};
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{clicked_button, on_demand, reload_page, start_page_island, PageQuery};

/// Which form is open.
#[derive(Clone, PartialEq)]
pub enum Editing {
    New,
    Existing(Box<OAuthConnectionView>),
}

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
    Edit(i64),
    Delete { id: i64, name: String },
}

/// The heading with New connection, the dialogs, and the server-rendered cards (`children`).
#[island(lazy)]
fn ConnectionsWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let opened = RwSignal::new(None::<Opened>);
    view! {
        <div class="page-heading">
            <h1>"OAuth Connections"</h1>
            <button type="button" class="button" on:click=move |_| opened.set(Some(Opened::New))>"New connection"</button>
        </div>
        <p class="lead">"The OAuth client settings your integrations authorize with. Register each connection's Redirect URI with the provider exactly as shown."</p>
        {move || opened.get().map(|chosen| on_demand(connection_dialog(chosen, opened)))}
        // The cards' buttons are rendered by the server; this listener does what they name.
        <div on:click=move |event| {
            let Some(button) = clicked_button(&event, "button[data-connection-action]") else {
                return;
            };
            let data = |name: &str| button.get_attribute(name).unwrap_or_default();
            let id = data("data-id").parse().unwrap_or(0);
            match data("data-connection-action").as_str() {
                "copy" => copy_redirect_uri(&button, &data("data-uri")),
                "edit" => opened.set(Some(Opened::Edit(id))),
                "delete" => opened.set(Some(Opened::Delete { id, name: data("data-name") })),
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
        return view! {
            <div class="empty-state">
                <p><strong>"No OAuth connections yet."</strong></p>
                <p>"Create one with the authorization and token URLs, client ID and secret, and scopes from your provider's app registration."</p>
            </div>
        }
        .into_any();
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
                    data-connection-action="edit" data-id=id>"Edit"</button>
                <button type="button" class="button danger" aria-label=format!("Delete {name}")
                    data-connection-action="delete" data-id=id data-name=name.clone()>"Delete"</button>
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
    id: i64,
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
fn ConfirmDelete(id: i64, name: String, opened: RwSignal<Option<Opened>>) -> impl IntoView {
    let delete = ServerAction::<DeleteOauthConnection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            reload_page();
        }
    });
    view! {
        <ConfirmDialog labelled_by="confirm-delete-connection" confirm_label="Delete connection" pending=delete.pending()
            error=Signal::derive(move || delete.value().get().and_then(Result::err).map(|error| error.to_string()))
            on_confirm=Callback::new(move |()| { delete.dispatch(DeleteOauthConnection { id }); }) on_close=Callback::new(move |()| opened.set(None))>
            <p id="confirm-delete-connection"><strong>{format!("Delete the OAuth connection “{name}”?")}</strong></p>
            <p>"Its client settings are deleted; the provider's app registration is not touched."</p>
        </ConfirmDialog>
    }
}

/// The connection form, here and inline on an integration's OAuth tab.
#[component]
pub fn ConnectionForm(
    mode: Editing,
    on_close: Callback<()>,
    on_saved: Callback<OAuthConnectionView>,
) -> impl IntoView {
    let (existing_id, secret_set, draft) = match &mode {
        Editing::New => (
            None,
            false,
            OAuthConnectionDraft {
                pkce: true,
                ..Default::default()
            },
        ),
        Editing::Existing(view) => (Some(view.id), view.client_secret_set, view.to_draft()),
    };
    let name = RwSignal::new(draft.name);
    let grant_type = RwSignal::new(draft.grant_type);
    let authorization_url = RwSignal::new(draft.authorization_url);
    let token_url = RwSignal::new(draft.token_url);
    let client_id = RwSignal::new(draft.client_id);
    let client_secret = RwSignal::new(String::new());
    let clear_secret = RwSignal::new(false);
    let scopes = RwSignal::new(draft.scopes);
    let pkce = RwSignal::new(draft.pkce);
    let extra_parameters = RwSignal::new(draft.extra_parameters);
    let audience = RwSignal::new(draft.audience);
    let revocation_url = RwSignal::new(draft.revocation_url);
    let entity_id_source = RwSignal::new(draft.entity_id_source);
    let opened_at_version = draft.opened_at_version;

    let create = ServerAction::<CreateOauthConnection>::new();
    let update = ServerAction::<UpdateOauthConnection>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(
        move |_| match create.value().get().or_else(|| update.value().get()) {
            Some(Ok(saved)) => on_saved.run(saved),
            Some(Err(failure)) => error.set(Some(failure)),
            None => {}
        },
    );
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let secret = client_secret.get_untracked();
        let draft = OAuthConnectionDraft {
            name: name.get_untracked(),
            grant_type: grant_type.get_untracked(),
            authorization_url: authorization_url.get_untracked(),
            token_url: token_url.get_untracked(),
            client_id: client_id.get_untracked(),
            client_secret: if clear_secret.get_untracked() {
                SecretChange::Clear
            } else if secret.is_empty() {
                SecretChange::Keep
            } else {
                SecretChange::Set(secret)
            },
            scopes: scopes.get_untracked(),
            pkce: pkce.get_untracked(),
            extra_parameters: extra_parameters.get_untracked(),
            audience: audience.get_untracked(),
            revocation_url: revocation_url.get_untracked(),
            entity_id_source: entity_id_source.get_untracked(),
            opened_at_version,
        };
        match existing_id {
            Some(id) => {
                update.dispatch(UpdateOauthConnection { id, draft });
            }
            None => {
                create.dispatch(CreateOauthConnection { draft });
            }
        }
    };
    let title = if existing_id.is_some() {
        "Edit OAuth connection"
    } else {
        "New OAuth connection"
    };
    let secret_hint = if secret_set {
        "A secret is set; type a new one to replace it."
    } else {
        "Write-only: it is stored encrypted and never shown again."
    };
    let extra_message = field_message(error, "extra_parameters");
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="connection-form-title"
            on:keydown=move |event| if event.key() == "Escape" { on_close.run(()) }>
            <h2 id="connection-form-title">{title}</h2>
            <form class="connection-form" node_ref=form novalidate=true on:submit=submit>
                <NonFieldError error />
                <BoundField id="connection-name" label="Name" value=name error=field_message(error, "name")
                    hint="Letters, digits, _ and -; part of the redirect URI." />
                <div class="field">
                    <label for="connection-grant-type">"Grant Type"</label>
                    <select id="connection-grant-type" on:change=move |event| {
                        if let Some(grant) = GrantType::parse(&event_target_value(&event)) { grant_type.set(grant) }
                    }>
                        {[GrantType::AuthorizationCode, GrantType::ClientCredentials].into_iter().map(|grant| view! {
                            <option value=grant.as_str() selected=move || grant_type.get() == grant>{grant.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <BoundField id="connection-authorization-url" label="Authorization URL" value=authorization_url error=field_message(error, "authorization_url")
                    hint="Needed for the authorization code grant. May contain {entity_id}." />
                <BoundField id="connection-token-url" label="Token URL" value=token_url error=field_message(error, "token_url")
                    hint="May contain {entity_id}, filled per organization." />
                <BoundField id="connection-client-id" label="Client ID" value=client_id error=field_message(error, "client_id") hint="" />
                <BoundField id="connection-client-secret" label="Client Secret" value=client_secret error=field_message(error, "client_secret")
                    hint=secret_hint input_type="password" />
                {secret_set.then(|| view! {
                    <div class="checkbox-field">
                        <input id="connection-clear-secret" type="checkbox"
                            prop:checked=move || clear_secret.get()
                            on:change=move |event| clear_secret.set(event_target_checked(&event)) />
                        <label for="connection-clear-secret">"Clear the client secret"</label>
                    </div>
                })}
                <BoundField id="connection-scopes" label="Scopes" value=scopes error=field_message(error, "scopes")
                    hint="Separated by spaces, e.g. openid offline_access User.Read. Sent on the code exchange and every refresh." />
                <div class="checkbox-field">
                    <input id="connection-pkce" type="checkbox"
                        prop:checked=move || pkce.get()
                        on:change=move |event| pkce.set(event_target_checked(&event)) />
                    <label for="connection-pkce">"PKCE (S256)"</label>
                </div>
                <div class="field">
                    <label for="connection-extra-parameters">"Extra authorization parameters"</label>
                    <textarea id="connection-extra-parameters" rows="3" class="code" spellcheck="false"
                        prop:value=move || extra_parameters.get()
                        on:input=move |event| extra_parameters.set(event_target_value(&event))
                        aria-invalid=move || extra_message.get().is_some().to_string()></textarea>
                    <p class="field-message">{move || match extra_message.get() {
                        Some(text) => view! { <span class="field-error">{text}</span> }.into_any(),
                        None => view! { <span class="muted">"One key=value per line, e.g. prompt=consent or access_type=offline."</span> }.into_any(),
                    }}</p>
                </div>
                <BoundField id="connection-audience" label="Audience" value=audience error=field_message(error, "audience")
                    hint="Sent as audience where the provider needs one." />
                <BoundField id="connection-revocation-url" label="Revocation URL" value=revocation_url error=field_message(error, "revocation_url")
                    hint="Optional: called on Disconnect." />
                <BoundField id="connection-entity-id-source" label="Entity ID from the provider" value=entity_id_source error=field_message(error, "entity_id_source")
                    hint="Optional: where the provider reports an organization's entity ID when it connects: id_token:<claim> (id_token:tid for Microsoft) or response:<field>." />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get() || update.pending().get()>"Save connection"</button>
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}
