//! The Add destination dialog of Settings > Notifications: a webhook, Slack or Teams URL, or an
//! SMTP account, and the events it is sent. A signed webhook's secret is shown once.

use leptos::prelude::*;

use crate::domain::notifications::{
    AlertEvent, CreatedDestination, DestinationDraft, DestinationKind, SmtpSecurity,
};
use crate::error::AppError;
use crate::serverfns::notifications::CreateAlertDestination;
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
    move || match created.get() {
        Some(destination) => view! { <NewSecret destination /> }.into_any(),
        None => view! { <DestinationForm adding created /> }.into_any(),
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
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            name: text(),
            kind: RwSignal::new(DestinationKind::Webhook.as_str().to_string()),
            url: text(),
            smtp_host: text(),
            smtp_port: text(),
            smtp_security: RwSignal::new(SmtpSecurity::StartTls.as_str().to_string()),
            smtp_username: text(),
            smtp_password: text(),
            email_from: text(),
            email_to: text(),
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
    adding: RwSignal<bool>,
    created: RwSignal<Option<CreatedDestination>>,
) -> impl IntoView {
    let fields = DestinationFields::new();
    let events: Vec<(AlertEvent, RwSignal<bool>)> = AlertEvent::SUBSCRIBABLE
        .into_iter()
        .map(|event| (event, RwSignal::new(true)))
        .collect();
    let create = ServerAction::<CreateAlertDestination>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(destination)) if destination.signing_secret.is_some() => {
            created.set(Some(destination))
        }
        Some(Ok(_)) => reload_page(),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    let chosen = events.clone();
    let is_email = move || fields.kind.get() == DestinationKind::Email.as_str();
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="destination-form-title"
            on:keydown=move |event| if event.key() == "Escape" { adding.set(false) }>
            <h2 id="destination-form-title">"Add destination"</h2>
            <form node_ref=form novalidate=true on:submit=move |event| {
                event.prevent_default();
                error.set(None);
                create.dispatch(CreateAlertDestination { draft: fields.to_draft(&chosen) });
            }>
                <NonFieldError error />
                <BoundField id="destination-name" label="Name" value=fields.name error=field_message(error, "name")
                    hint="e.g. NOC channel, or On-call e-mail." />
                <ChoiceField id="destination-kind" label="Kind" value=fields.kind message=field_message(error, "kind")
                    choices=DestinationKind::ALL.iter().map(|kind| (kind.as_str(), kind.label())).collect() />
                <Show when=move || !is_email()>
                    <BoundField id="destination-url" label="URL" value=fields.url error=field_message(error, "url")
                        hint="The incoming webhook's address; https, except for this machine. It is stored encrypted." />
                </Show>
                <Show when=is_email>
                    <SmtpFields fields error />
                </Show>
                <fieldset class="destination-events" aria-describedby="destination-events-message">
                    <legend>"Send when"</legend>
                    {events.iter().map(|(event, checked)| view! {
                        <CheckboxField id=format!("destination-event-{}", event.as_str().replace('.', "-")) label=event.label() checked=*checked />
                    }).collect_view()}
                    <p class="field-message" id="destination-events-message">{message_or_hint(field_message(error, "events"), "")}</p>
                </fieldset>
                <SaveOrCancel save_label="Add destination" pending=create.pending() on_cancel=Callback::new(move |()| adding.set(false)) />
            </form>
        </section>
    }
}

#[component]
fn SmtpFields(fields: DestinationFields, error: RwSignal<Option<AppError>>) -> impl IntoView {
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
            hint="Stored encrypted; never shown again." input_type="password" />
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
) -> impl IntoView {
    let message_id = format!("{id}-message");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id aria-describedby=message_id.clone() aria-invalid=move || message.get().is_some().to_string()
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
