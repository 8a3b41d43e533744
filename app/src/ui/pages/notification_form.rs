//! The Add and Edit destination dialogs of Settings > Notifications: a webhook, Slack or Teams
//! URL, or an SMTP account, and the events it is sent. A signed webhook's secret is shown once;
//! an edit keeps the URL and password it leaves empty.

use leptos::prelude::*;

use crate::domain::ids::AlertDestinationId;
use crate::domain::notifications::{
    AlertEvent, CreatedDestination, DestinationDraft, DestinationKind, SmtpSecurity,
};
use crate::error::AppError;
use crate::serverfns::notifications::{
    list_alert_destinations, CreateAlertDestination, UpdateAlertDestination,
};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::form::{
    field_message, message_or_hint, BoundField, CheckboxField, NonFieldError, SaveOrCancel,
};
use crate::ui::islands::reload_page;

/// Opens on a click; its code loads then, not with the page.
#[lazy]
pub fn add_destination_dialog(adding: RwSignal<bool>) -> AnyView {
    view! { <AddDestination adding /> }.into_any()
}

/// The form, then a signed webhook's secret once. Done loads the page again.
#[component]
fn AddDestination(adding: RwSignal<bool>) -> impl IntoView {
    let created = RwSignal::new(None::<CreatedDestination>);
    let initial = DestinationDraft {
        kind: DestinationKind::Webhook.as_str().to_string(),
        smtp_security: SmtpSecurity::StartTls.as_str().to_string(),
        events: AlertEvent::SUBSCRIBABLE
            .iter()
            .map(|event| event.as_str().to_string())
            .collect(),
        ..DestinationDraft::default()
    };
    let close = Callback::new(move |()| adding.set(false));
    move || match created.get() {
        Some(destination) => view! { <NewSecret destination /> }.into_any(),
        None => view! { <DestinationForm close created initial=initial.clone() editing=None /> }
            .into_any(),
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
pub fn edit_destination_dialog(
    id: AlertDestinationId,
    editing: RwSignal<Option<AlertDestinationId>>,
) -> AnyView {
    view! { <EditDestination id editing /> }.into_any()
}

/// The form filled with the destination's settings, read when it opens.
#[component]
fn EditDestination(
    id: AlertDestinationId,
    editing: RwSignal<Option<AlertDestinationId>>,
) -> impl IntoView {
    let destinations = Resource::new(|| (), |()| list_alert_destinations());
    let close = Callback::new(move |()| editing.set(None));
    let created = RwSignal::new(None::<CreatedDestination>);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || destinations.get().map(|result| {
                match result.map(|list| list.into_iter().find(|destination| destination.id == id)) {
                    Ok(Some(destination)) => view! {
                        <DestinationForm close created initial=destination.draft editing=Some(id) />
                    }.into_any(),
                    Ok(None) => view! { <p class="error" role="alert">"This destination was removed."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The form's controls, one signal each.
#[derive(Clone, Copy)]
struct DestinationFields {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    url: RwSignal<String>,
    smtp_host: RwSignal<String>,
    smtp_port: RwSignal<String>,
    smtp_security: RwSignal<String>,
    smtp_username: RwSignal<String>,
    smtp_password: RwSignal<String>,
    email_from: RwSignal<String>,
    email_to: RwSignal<String>,
}

impl DestinationFields {
    fn new(draft: DestinationDraft) -> Self {
        Self {
            name: RwSignal::new(draft.name),
            kind: RwSignal::new(draft.kind),
            url: RwSignal::new(draft.url),
            smtp_host: RwSignal::new(draft.smtp_host),
            smtp_port: RwSignal::new(draft.smtp_port),
            smtp_security: RwSignal::new(draft.smtp_security),
            smtp_username: RwSignal::new(draft.smtp_username),
            smtp_password: RwSignal::new(draft.smtp_password),
            email_from: RwSignal::new(draft.email_from),
            email_to: RwSignal::new(draft.email_to),
        }
    }

    fn to_draft(self, events: &[(AlertEvent, RwSignal<bool>)]) -> DestinationDraft {
        DestinationDraft {
            name: self.name.get_untracked(),
            kind: self.kind.get_untracked(),
            url: self.url.get_untracked(),
            smtp_host: self.smtp_host.get_untracked(),
            smtp_port: self.smtp_port.get_untracked(),
            smtp_security: self.smtp_security.get_untracked(),
            smtp_username: self.smtp_username.get_untracked(),
            smtp_password: self.smtp_password.get_untracked(),
            email_from: self.email_from.get_untracked(),
            email_to: self.email_to.get_untracked(),
            events: events
                .iter()
                .filter(|(_, chosen)| chosen.get_untracked())
                .map(|(event, _)| event.as_str().to_string())
                .collect(),
        }
    }
}

#[component]
fn DestinationForm(
    close: Callback<()>,
    created: RwSignal<Option<CreatedDestination>>,
    initial: DestinationDraft,
    editing: Option<AlertDestinationId>,
) -> impl IntoView {
    let events: Vec<(AlertEvent, RwSignal<bool>)> = AlertEvent::SUBSCRIBABLE
        .into_iter()
        .map(|event| {
            (
                event,
                RwSignal::new(initial.events.iter().any(|name| name == event.as_str())),
            )
        })
        .collect();
    let fields = DestinationFields::new(initial);
    let create = ServerAction::<CreateAlertDestination>::new();
    let update = ServerAction::<UpdateAlertDestination>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(destination)) if destination.signing_secret.is_some() => {
            created.set(Some(destination))
        }
        Some(Ok(_)) => reload_page(),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => reload_page(),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    let chosen = events.clone();
    let is_email = move || fields.kind.get() == DestinationKind::Email.as_str();
    let (title, save_label) = if editing.is_some() {
        ("Edit destination", "Save destination")
    } else {
        ("Add destination", "Add destination")
    };
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="destination-form-title"
            on:keydown=move |event| if event.key() == "Escape" { close.run(()) }>
            <h2 id="destination-form-title">{title}</h2>
            <form node_ref=form novalidate=true on:submit=move |event| {
                event.prevent_default();
                error.set(None);
                let draft = fields.to_draft(&chosen);
                match editing {
                    Some(id) => { update.dispatch(UpdateAlertDestination { id, draft }); }
                    None => { create.dispatch(CreateAlertDestination { draft }); }
                }
            }>
                <NonFieldError error />
                <BoundField id="destination-name" label="Name" value=fields.name error=field_message(error, "name")
                    hint="e.g. NOC channel, or On-call e-mail." />
                <ChoiceField id="destination-kind" label="Kind" value=fields.kind message=field_message(error, "kind") disabled=editing.is_some()
                    choices=DestinationKind::ALL.iter().map(|kind| (kind.as_str(), kind.label())).collect() />
                <Show when=move || !is_email()>
                    <BoundField id="destination-url" label="URL" value=fields.url error=field_message(error, "url")
                        hint=if editing.is_some() { "Leave empty to keep the current URL." } else { "The incoming webhook's address; https, except for this machine. It is stored encrypted." } />
                </Show>
                <Show when=is_email>
                    <SmtpFields fields error editing=editing.is_some() />
                </Show>
                <fieldset class="destination-events" aria-describedby="destination-events-message">
                    <legend>"Send when"</legend>
                    {events.iter().map(|(event, checked)| view! {
                        <CheckboxField id=format!("destination-event-{}", event.as_str().replace('.', "-")) label=event.label() checked=*checked />
                    }).collect_view()}
                    <p class="field-message" id="destination-events-message">{message_or_hint(field_message(error, "events"), "")}</p>
                </fieldset>
                <SaveOrCancel save_label pending on_cancel=close />
            </form>
        </section>
    }
}

#[component]
fn SmtpFields(
    fields: DestinationFields,
    error: RwSignal<Option<AppError>>,
    editing: bool,
) -> impl IntoView {
    view! {
        <BoundField id="destination-smtp-host" label="SMTP server" value=fields.smtp_host error=field_message(error, "smtp_host")
            hint="e.g. smtp.office365.com" />
        <ChoiceField id="destination-smtp-security" label="Encryption" value=fields.smtp_security message=field_message(error, "smtp_security")
            choices=SmtpSecurity::ALL.iter().map(|security| (security.as_str(), security.label())).collect() />
        <BoundField id="destination-smtp-port" label="Port" value=fields.smtp_port error=field_message(error, "smtp_port")
            hint="Empty for the encryption's usual port." />
        <BoundField id="destination-smtp-username" label="User name" value=fields.smtp_username error=field_message(error, "smtp_username")
            hint="Optional: for servers that ask you to sign in." />
        <BoundField id="destination-smtp-password" label="Password" value=fields.smtp_password error=field_message(error, "smtp_password")
            hint=if editing { "Leave empty to keep the current password." } else { "Stored encrypted; never shown again." }
            input_type="password" />
        <BoundField id="destination-email-from" label="From" value=fields.email_from error=field_message(error, "email_from")
            hint="The sender address, e.g. bifrost@example.com" />
        <BoundField id="destination-email-to" label="To" value=fields.email_to error=field_message(error, "email_to")
            hint="Up to 10 addresses, separated by commas." />
    }
}

/// A labelled `<select>` bound to a signal.
#[component]
fn ChoiceField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    message: Signal<Option<String>>,
    choices: Vec<(&'static str, &'static str)>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id disabled=disabled aria-describedby=message_id.clone() aria-invalid=move || message.get().is_some().to_string()
                on:change=move |event| value.set(event_target_value(&event))>
                {choices.into_iter().map(|(key, text)| view! {
                    <option value=key selected=move || value.get() == key>{text}</option>
                }).collect_view()}
            </select>
            <p class="field-message" id=message_id>{message_or_hint(message, "")}</p>
        </div>
    }
}

/// A signed webhook's secret, shown this once.
#[component]
fn NewSecret(destination: CreatedDestination) -> impl IntoView {
    let secret = destination.signing_secret.clone().unwrap_or_default();
    view! {
        <section class="card new-api-key" role="status" aria-labelledby="new-destination-title">
            <h2 id="new-destination-title">{format!("Destination “{}” added", destination.view.name)}</h2>
            <p>"Each request carries X-Bifrost-Signature: sha256= and the HMAC-SHA256, keyed with this secret, of the X-Bifrost-Timestamp value, a dot and the body."</p>
            <p class="warning">"Copy the signing secret now: it is shown only this once."</p>
            <p><code class="signing-secret">{secret}</code></p>
            <div class="form-actions">
                <button type="button" class="button" on:click=move |_| reload_page()>"Done"</button>
            </div>
        </section>
    }
}
