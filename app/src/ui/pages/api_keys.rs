//! Settings > API Keys: keys for workflow code, each acting for the provider (any organization)
//! or one customer organization. A new key is shown once; the list shows its prefix only.

use leptos::prelude::*;

use crate::domain::api_key::{ApiKeyDraft, ApiKeyStatus, ApiKeyView, CreatedApiKey};
use crate::domain::ids::{ApiKeyId, OrganizationId};
use crate::domain::paging::Paged;
use crate::domain::time::format_utc;
use crate::error::AppError;
use crate::serverfns::api_keys::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::serverfns::organizations::list_organizations;
use crate::ui::components::dialog::{focus_on_open, ConfirmServerCall};
use crate::ui::components::empty_list::empty_note;
use crate::ui::components::form::{
    field_message, message_or_hint, BoundField, NonFieldError, SaveOrCancel,
};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::page_heading::PageHeading;
use crate::ui::components::pagination::pagination_of;
use crate::ui::islands::{clicked_button, on_demand, reload_page, start_page_island, PageQuery};

const PATH: &str = "/settings/api-keys";

/// Rendered on the server: the paged list, with New API key and Revoke in an island.
#[component]
pub fn ApiKeysPage(query: PageQuery) -> impl IntoView {
    let page = query.page();
    // Pagination keeps the query in its links.
    provide_context(query.clone());
    view! {
        {when_loaded(list_api_keys(page), move |paged| view! {
            <ApiKeysWorkspace query>
                <KeyTable paged />
            </ApiKeysWorkspace>
        })}
    }
}

/// The heading with New API key, the dialogs, and the server-rendered list (`children`).
#[island(lazy)]
fn ApiKeysWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let creating = RwSignal::new(false);
    let revoking = RwSignal::new(None::<(ApiKeyId, String)>);
    view! {
        <PageHeading title="API Keys" button_label="New API key" on_click=Callback::new(move |()| creating.set(true)) />
        <p class="lead">
            "Workflow code sends a key as "<code>"Authorization: Bearer <key>"</code>" to the workflow API. "
            "A key of the provider organization may act for any organization; a customer organization's key only for itself. "
            <a href="/api/v1/docs" rel="external">"API reference"</a>
        </p>
        {move || creating.get().then(|| on_demand(create_key_dialog(creating)))}
        {move || revoking.get().map(|(id, name)| on_demand(confirm_revoke(id, name, revoking)))}
        // The rows' Revoke buttons are rendered by the server; this listener opens the confirmation.
        <div on:click=move |event| {
            if let Some(button) = clicked_button(&event, "button[data-revoke-key]") {
                let id = button.get_attribute("data-revoke-key").and_then(|id| id.parse().ok());
                let name = button.get_attribute("data-name").unwrap_or_default();
                revoking.set(id.map(|id| (id, name)));
            }
        }>
            {children()}
        </div>
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn create_key_dialog(creating: RwSignal<bool>) -> AnyView {
    view! { <CreateKey creating /> }.into_any()
}

/// The form, then the new key once. Done loads the page again, with the key in the list.
#[component]
fn CreateKey(creating: RwSignal<bool>) -> impl IntoView {
    let created = RwSignal::new(None::<CreatedApiKey>);
    move || match created.get() {
        Some(key) => view! { <NewKey key /> }.into_any(),
        None => view! { <CreateKeyForm creating created /> }.into_any(),
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn confirm_revoke(
    id: ApiKeyId,
    name: String,
    revoking: RwSignal<Option<(ApiKeyId, String)>>,
) -> AnyView {
    view! { <ConfirmRevoke id name revoking /> }.into_any()
}

#[component]
fn ConfirmRevoke(
    id: ApiKeyId,
    name: String,
    revoking: RwSignal<Option<(ApiKeyId, String)>>,
) -> impl IntoView {
    view! {
        <ConfirmServerCall input=RevokeApiKey { id } labelled_by="confirm-revoke-key" confirm_label="Revoke key"
            on_close=Callback::new(move |()| revoking.set(None))>
            <p id="confirm-revoke-key"><strong>{format!("Revoke the API key “{name}”?")}</strong></p>
            <p>"Workflows using it are refused from their next request. This cannot be undone."</p>
        </ConfirmServerCall>
    }
}

#[component]
fn CreateKeyForm(
    creating: RwSignal<bool>,
    created: RwSignal<Option<CreatedApiKey>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let expires_on = RwSignal::new(String::new());
    let organization = RwSignal::new(None::<OrganizationId>);
    let password = RwSignal::new(String::new());
    let create = ServerAction::<CreateApiKey>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(key)) => created.set(Some(key)),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="api-key-form-title"
            on:keydown=move |event| if event.key() == "Escape" { creating.set(false) }>
            <h2 id="api-key-form-title">"New API key"</h2>
            <form node_ref=form novalidate=true on:submit=move |event| {
                event.prevent_default();
                error.set(None);
                create.dispatch(CreateApiKey {
                    draft: ApiKeyDraft {
                        name: name.get_untracked(),
                        organization_id: organization.get_untracked(),
                        expires_on: expires_on.get_untracked(),
                    },
                    current_password: Some(password.get_untracked()),
                });
            }>
                <NonFieldError error />
                <BoundField id="api-key-name" label="Name" value=name error=field_message(error, "name")
                    hint="What uses the key, e.g. Workflow runner." />
                <ActsForField organization message=field_message(error, "organization_id") />
                <BoundField id="api-key-expires" label="Expires on" value=expires_on error=field_message(error, "expires_on")
                    hint="Optional: the last day the key works (UTC)." input_type="date" />
                <BoundField id="api-key-your-password" label="Your password" value=password input_type="password"
                    error=field_message(error, "current_password")
                    hint="For a provider key, which reaches every customer: asked for again when you last gave it more than 10 minutes ago." />
                <SaveOrCancel save_label="Create key" pending=create.pending() on_cancel=Callback::new(move |()| creating.set(false)) />
            </form>
        </section>
    }
    .into_any()
}

/// The organization the key acts for, found by name (there can be thousands).
#[component]
fn ActsForField(
    organization: RwSignal<Option<OrganizationId>>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let find = RwSignal::new(String::new());
    let organizations = Resource::new(move || find.get(), |search| list_organizations(search, 1));
    view! {
        <div class="field">
            <label for="api-key-find-organization">"Find organization"</label>
            <input id="api-key-find-organization" type="search" autocomplete="off"
                prop:value=move || find.get()
                on:input=move |event| { organization.set(None); find.set(event_target_value(&event)); } />
        </div>
        <div class="field">
            <label for="api-key-organization">"Acts for"</label>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || organizations.get().map(|result| {
                    let list = result.map(|page| page.items).unwrap_or_default();
                    view! {
                        <select id="api-key-organization" aria-invalid=move || message.get().is_some().to_string()
                            on:change=move |event| organization.set(event_target_value(&event).parse().ok())>
                            <option value="" selected=move || organization.get().is_none()>"Choose an organization"</option>
                            {list.into_iter().map(|choice| {
                                let label = if choice.is_provider {
                                    format!("{} (provider: any organization)", choice.name)
                                } else {
                                    choice.name.clone()
                                };
                                view! { <option value=choice.id.to_string() selected=move || organization.get() == Some(choice.id)>{label}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
            </Transition>
            <p class="field-message">{message_or_hint(message, "The provider organization's keys may act for any organization.")}</p>
        </div>
    }
}

/// The new key, shown this once.
#[component]
fn NewKey(key: CreatedApiKey) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = key.key.clone();
    let copy = move |_| {
        let promise = window().navigator().clipboard().write_text(&secret);
        drop(promise);
        copied.set(true);
    };
    view! {
        <section class="card new-api-key" role="status" aria-labelledby="new-api-key-title">
            <h2 id="new-api-key-title">{format!("Key “{}” created", key.view.name)}</h2>
            <p class="warning">"Copy it now: it is shown only this once and cannot be recovered."</p>
            <p><code class="api-key-value">{key.key.clone()}</code></p>
            <div class="form-actions">
                <button type="button" class="button secondary" on:click=copy>"Copy key"</button>
                <Show when=move || copied.get()><span class="muted">"Copied"</span></Show>
                <button type="button" class="button" on:click=move |_| reload_page()>"Done"</button>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn KeyTable(paged: Paged<ApiKeyView>) -> impl IntoView {
    if paged.items.is_empty() {
        return empty_note(
            "No API keys yet.",
            "Create one for each workflow runner or customer automation.",
        );
    }
    view! {
        <table class="data-table api-keys-table">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Key"</th><th scope="col">"Acts for"</th>
                <th scope="col">"Created"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                <th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {paged.items.clone().into_iter().map(|key| view! { <KeyRow key /> }).collect_view()}
            </tbody>
        </table>
        {pagination_of(PATH, &paged)}
    }
    .into_any()
}

#[component]
fn KeyRow(key: ApiKeyView) -> impl IntoView {
    let acts_for = if key.provider_scope {
        format!("{} (any organization)", key.organization_name)
    } else {
        key.organization_name.clone()
    };
    let badge = match key.status {
        ApiKeyStatus::Active => "badge ok-badge",
        ApiKeyStatus::Expired => "badge warning-badge",
        ApiKeyStatus::Revoked => "badge muted-badge",
    };
    let name = key.name.clone();
    view! {
        <tr>
            <td>{key.name.clone()}</td>
            <td><code>{format!("{}…", key.prefix)}</code></td>
            <td>{acts_for}</td>
            <td>{format!("{} · {}", format_utc(key.created_at), key.created_by)}</td>
            <td>{key.expires_at.map_or("Never".to_string(), format_utc)}</td>
            <td>{key.last_used_at.map_or("Never".to_string(), format_utc)}</td>
            <td><span class=badge>{key.status.label()}</span></td>
            <td class="row-actions">
                {(key.status == ApiKeyStatus::Active).then(|| view! {
                    <button type="button" class="button danger small" aria-label=format!("Revoke {name}")
                        data-revoke-key=key.id.get() data-name=name.clone()>"Revoke"</button>
                })}
            </td>
        </tr>
    }
}
