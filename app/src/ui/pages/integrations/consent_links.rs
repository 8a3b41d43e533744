//! A mapping's consent links on the Mappings tab: create one (its address shown once, to copy
//! and send to the customer's administrator), see the organization's links, and revoke an open
//! one after a confirmation. The customer needs no account: the link's page sends them to the
//! provider's consent, and their token becomes the organization's own.

use leptos::prelude::*;

use crate::domain::ids::{ConsentLinkId, IntegrationId, MappingId};
use crate::domain::oauth::{ConsentLinkState, ConsentLinkView, DEFAULT_LINK_DAYS, MAX_LINK_DAYS};
use crate::domain::time::format_utc;
use crate::serverfns::consent_links::{
    create_consent_link, list_consent_links, revoke_consent_link,
};
use crate::ui::components::dialog::{focus_on_open, ConfirmDialog};
use crate::ui::components::form::message_or_hint;

/// The mapping whose consent links are open.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentTarget {
    pub mapping_id: MappingId,
    pub organization: String,
}

#[component]
pub fn ConsentLinksPanel(
    integration_id: IntegrationId,
    target: ConsentTarget,
    open: RwSignal<Option<ConsentTarget>>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Section>::new();
    focus_on_open(dialog, Some("#consent-days"));
    let mapping_id = target.mapping_id;
    // Bumped after a change, so the list is read again.
    let changes = RwSignal::new(0_u32);
    let links = LocalResource::new(move || {
        changes.track();
        list_consent_links(integration_id, mapping_id)
    });
    let error = RwSignal::new(None::<String>);
    let revoking = RwSignal::new(None::<ConsentLinkView>);
    let heading = format!("Consent links for {}", target.organization);
    view! {
        <section class="panel consent-links" node_ref=dialog tabindex="-1" aria-labelledby="consent-links-heading"
            on:keydown=move |event| if event.key() == "Escape" && revoking.get_untracked().is_none() { open.set(None) }>
            <h2 id="consent-links-heading">{heading}</h2>
            <p class="muted">"Send the link to the customer's administrator. They need no account here: the link shows who asks and for what, and sends them to the provider's consent. Their token becomes this organization's own, linked on this mapping. A link works once; it also reconnects a token that needs it."</p>
            <CreateLinkForm integration_id mapping_id changes />
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading consent links…"</p> }>
                {move || links.get().map(|found| match found {
                    Ok(found) => view! { <LinkTable links=found revoking /> }.into_any(),
                    Err(failure) => view! { <p class="error" role="alert">{failure.to_string()}</p> }.into_any(),
                })}
            </Suspense>
            {move || revoking.get().map(|link| view! { <ConfirmRevoke integration_id link revoking changes error /> })}
            <div class="form-actions">
                <button type="button" class="button secondary" on:click=move |_| open.set(None)>"Close"</button>
            </div>
        </section>
    }
}

/// "Expires after (days)" and Create; the new link's address, shown this once.
#[component]
fn CreateLinkForm(
    integration_id: IntegrationId,
    mapping_id: MappingId,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let days = RwSignal::new(DEFAULT_LINK_DAYS.to_string());
    let days_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        pending.set(true);
        days_error.set(None);
        error.set(None);
        leptos::task::spawn_local(async move {
            match create_consent_link(integration_id, mapping_id, days.get_untracked()).await {
                Ok(link) => {
                    created.set(Some(link.url));
                    changes.update(|count| *count += 1);
                }
                Err(failure) => match failure.for_field("days") {
                    Some(message) => days_error.set(Some(message.to_string())),
                    None => error.set(Some(failure.to_string())),
                },
            }
            pending.set(false);
        });
    };
    let hint = format!("From 1 to {MAX_LINK_DAYS} days.");
    view! {
        <form class="inline-form" on:submit=create novalidate>
            <div class="field">
                <label for="consent-days">"Expires after (days)"</label>
                <input id="consent-days" type="text" inputmode="numeric" size="4" required
                    aria-describedby="consent-days-message" aria-invalid=move || days_error.get().is_some().to_string()
                    prop:value=move || days.get() on:input=move |event| days.set(event_target_value(&event)) />
                <p id="consent-days-message" class="field-message">{message_or_hint(days_error.into(), hint)}</p>
            </div>
            <button type="submit" class="button" disabled=move || pending.get()>"Create consent link"</button>
        </form>
        {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {move || created.get().map(|url| view! {
            <div class="created-secret" role="status">
                <p class="warning">"Copy this link now: it is shown only this once and cannot be recovered."</p>
                <label for="consent-link-url">"Consent link"</label>
                <input id="consent-link-url" type="text" readonly prop:value=url
                    on:focus=move |event| select_all(&event) />
            </div>
        })}
    }
}

fn select_all(event: &leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

#[component]
fn LinkTable(
    links: Vec<ConsentLinkView>,
    revoking: RwSignal<Option<ConsentLinkView>>,
) -> impl IntoView {
    if links.is_empty() {
        return view! { <p class="empty-state">"No consent links yet."</p> }.into_any();
    }
    view! {
        <table class="consent-link-list">
            <thead><tr>
                <th scope="col">"State"</th><th scope="col">"Created"</th><th scope="col">"By"</th>
                <th scope="col">"Expires"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {links.into_iter().map(|link| {
                    let created = format_utc(link.created_at);
                    let revoke = (link.state == ConsentLinkState::Open).then(|| {
                        let label = format!("Revoke the consent link created {created}");
                        let chosen = link.clone();
                        view! {
                            <button type="button" class="button danger small" aria-label=label
                                on:click=move |_| revoking.set(Some(chosen.clone()))>"Revoke"</button>
                        }
                    });
                    view! {
                        <tr>
                            <td><span class="badge">{link.state.label()}</span></td>
                            <td>{created.clone()}</td>
                            <td>{link.created_by.clone()}</td>
                            <td>{format_utc(link.expires_at)}</td>
                            <td class="row-actions">{revoke}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn ConfirmRevoke(
    integration_id: IntegrationId,
    link: ConsentLinkView,
    revoking: RwSignal<Option<ConsentLinkView>>,
    changes: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let link_id: ConsentLinkId = link.id;
    let on_confirm = Callback::new(move |()| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match revoke_consent_link(integration_id, link_id).await {
                Ok(()) => {
                    error.set(None);
                    revoking.set(None);
                    changes.update(|count| *count += 1);
                }
                Err(problem) => failure.set(Some(problem.to_string())),
            }
            pending.set(false);
        });
    });
    view! {
        <ConfirmDialog labelled_by="confirm-revoke-consent-link" confirm_label="Revoke link"
            pending error=failure on_confirm on_close=Callback::new(move |()| revoking.set(None))>
            <p id="confirm-revoke-consent-link"><strong>{format!("Revoke the consent link created {}?", format_utc(link.created_at))}</strong></p>
            <p>"Whoever has it can no longer consent with it; a consent under way with it fails."</p>
        </ConfirmDialog>
    }
}
