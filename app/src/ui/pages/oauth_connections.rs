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
use crate::ui::islands::{sent_with_page, start_page_island, PageQuery};

/// Which form is open.
#[derive(Clone, PartialEq)]
pub enum Editing {
    New,
    Existing(Box<OAuthConnectionView>),
}

#[island(lazy)]
pub fn OAuthConnectionsPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let version = RwSignal::new(0u32);
    let connections =
        sent_with_page(move || Resource::new(move || version.get(), |_| list_oauth_connections()));
    let editing = RwSignal::new(None::<Editing>);
    view! {
        <div class="page-heading">
            <h1>"OAuth Connections"</h1>
            <button type="button" class="button" on:click=move |_| editing.set(Some(Editing::New))>"New connection"</button>
        </div>
        <p class="lead">"The OAuth client settings your integrations authorize with. Register each connection's Redirect URI with the provider exactly as shown."</p>
        {move || editing.get().map(|mode| view! {
            <ConnectionForm mode on_close=Callback::new(move |()| editing.set(None))
                on_saved=Callback::new(move |_| { editing.set(None); version.update(|n| *n += 1); }) />
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading connections…"</p> }>
            {move || connections.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! {
                    <div class="empty-state">
                        <p><strong>"No OAuth connections yet."</strong></p>
                        <p>"Create one with the authorization and token URLs, client ID and secret, and scopes from your provider's app registration."</p>
                    </div>
                }.into_any(),
                Ok(list) => view! {
                    <div class="connection-list">
                        {list.into_iter().map(|connection| view! { <ConnectionCard connection editing version /> }).collect_view()}
                    </div>
                }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ConnectionCard(
    connection: OAuthConnectionView,
    editing: RwSignal<Option<Editing>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let id = connection.id;
    let name = connection.name.clone();
    let redirect_uri = connection.redirect_uri.clone();
    let heading_id = format!("connection-{id}");
    let labelled_by = heading_id.clone();
    let for_edit = Box::new(connection.clone());
    let copy = {
        let uri = redirect_uri.clone();
        move |_| {
            let promise = window().navigator().clipboard().write_text(&uri);
            drop(promise);
            copied.set(true);
        }
    };
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
                    <code>{redirect_uri.clone()}</code>
                    <button type="button" class="button secondary small" aria-label=format!("Copy the redirect URI of {name}") on:click=copy>"Copy"</button>
                    <Show when=move || copied.get()><span class="muted" role="status">"Copied"</span></Show>
                </dd>
            </dl>
            <div class="form-actions">
                <button type="button" class="button secondary" aria-label=format!("Edit {name}")
                    on:click=move |_| editing.set(Some(Editing::Existing(for_edit.clone())))>"Edit"</button>
                <button type="button" class="button danger" aria-label=format!("Delete {name}")
                    on:click=move |_| confirming.set(true)>"Delete"</button>
            </div>
            <Show when=move || confirming.get()>
                <ConfirmDelete id name=name.clone() confirming version />
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn ConfirmDelete(
    id: i64,
    name: String,
    confirming: RwSignal<bool>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteOauthConnection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            confirming.set(false);
            version.update(|n| *n += 1);
        }
    });
    let title = format!("confirm-delete-connection-{id}");
    let labelled_by = title.clone();
    view! {
        <ConfirmDialog labelled_by=labelled_by confirm_label="Delete connection" pending=delete.pending()
            error=Signal::derive(move || delete.value().get().and_then(Result::err).map(|error| error.to_string()))
            on_confirm=Callback::new(move |()| { delete.dispatch(DeleteOauthConnection { id }); }) open=confirming>
            <p id=title><strong>{format!("Delete the OAuth connection “{name}”?")}</strong></p>
            <p>"Its client settings are deleted; the provider's app registration is not touched."</p>
        </ConfirmDialog>
    }
    .into_any()
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
