//! The OAuth connection form, for a new connection or an edit, on Settings > OAuth Connections
//! and inline on an integration's OAuth tab. Its code loads when it first opens.

use leptos::prelude::*;

use crate::domain::ids::ConnectionId;
use crate::domain::oauth::{GrantType, OAuthConnectionDraft, OAuthConnectionView, SecretChange};
use crate::error::AppError;
use crate::serverfns::oauth::{CreateOauthConnection, UpdateOauthConnection};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::form::{
    field_message, message_or_hint, BoundField, CheckboxField, NonFieldError, SaveOrCancel,
};

/// Which form is open.
#[derive(Clone, PartialEq)]
pub enum Editing {
    New,
    Existing(Box<OAuthConnectionView>),
}

impl Editing {
    /// The saved connection's id, whether it has a client secret, and the draft the form starts
    /// from (PKCE on for a new connection).
    fn start(&self) -> (Option<ConnectionId>, bool, OAuthConnectionDraft) {
        match self {
            Editing::New => (
                None,
                false,
                OAuthConnectionDraft {
                    pkce: true,
                    ..Default::default()
                },
            ),
            Editing::Existing(view) => (Some(view.id), view.client_secret_set, view.to_draft()),
        }
    }
}

/// The form's values, a signal each. The client secret is a replacement: empty keeps the stored
/// one, unless `clear_secret` removes it.
#[derive(Clone, Copy)]
struct ConnectionFields {
    name: RwSignal<String>,
    grant_type: RwSignal<GrantType>,
    authorization_url: RwSignal<String>,
    token_url: RwSignal<String>,
    client_id: RwSignal<String>,
    client_secret: RwSignal<String>,
    clear_secret: RwSignal<bool>,
    scopes: RwSignal<String>,
    pkce: RwSignal<bool>,
    extra_parameters: RwSignal<String>,
    audience: RwSignal<String>,
    revocation_url: RwSignal<String>,
    entity_id_source: RwSignal<String>,
    client_secret_expires_on: RwSignal<String>,
}

impl ConnectionFields {
    fn new(draft: OAuthConnectionDraft) -> Self {
        Self {
            name: RwSignal::new(draft.name),
            grant_type: RwSignal::new(draft.grant_type),
            authorization_url: RwSignal::new(draft.authorization_url),
            token_url: RwSignal::new(draft.token_url),
            client_id: RwSignal::new(draft.client_id),
            client_secret: RwSignal::new(String::new()),
            clear_secret: RwSignal::new(false),
            scopes: RwSignal::new(draft.scopes),
            pkce: RwSignal::new(draft.pkce),
            extra_parameters: RwSignal::new(draft.extra_parameters),
            audience: RwSignal::new(draft.audience),
            revocation_url: RwSignal::new(draft.revocation_url),
            entity_id_source: RwSignal::new(draft.entity_id_source),
            client_secret_expires_on: RwSignal::new(draft.client_secret_expires_on),
        }
    }

    fn secret_change(&self) -> SecretChange {
        let secret = self.client_secret.get_untracked();
        if self.clear_secret.get_untracked() {
            SecretChange::Clear
        } else if secret.is_empty() {
            SecretChange::Keep
        } else {
            SecretChange::Set(secret)
        }
    }

    /// What Save sends.
    fn to_draft(self, opened_at_version: Option<i64>) -> OAuthConnectionDraft {
        OAuthConnectionDraft {
            name: self.name.get_untracked(),
            grant_type: self.grant_type.get_untracked(),
            authorization_url: self.authorization_url.get_untracked(),
            token_url: self.token_url.get_untracked(),
            client_id: self.client_id.get_untracked(),
            client_secret: self.secret_change(),
            scopes: self.scopes.get_untracked(),
            pkce: self.pkce.get_untracked(),
            extra_parameters: self.extra_parameters.get_untracked(),
            audience: self.audience.get_untracked(),
            revocation_url: self.revocation_url.get_untracked(),
            entity_id_source: self.entity_id_source.get_untracked(),
            client_secret_expires_on: self.client_secret_expires_on.get_untracked(),
            opened_at_version,
        }
    }
}

/// The connection form, on Settings > OAuth Connections and inline on an integration's OAuth tab.
#[component]
pub fn ConnectionForm(
    mode: Editing,
    on_close: Callback<()>,
    on_saved: Callback<OAuthConnectionView>,
) -> impl IntoView {
    let (existing_id, secret_set, draft) = mode.start();
    let opened_at_version = draft.opened_at_version;
    let fields = ConnectionFields::new(draft);
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
        let draft = fields.to_draft(opened_at_version);
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
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="connection-form-title"
            on:keydown=move |event| if event.key() == "Escape" { on_close.run(()) }>
            <h2 id="connection-form-title">{title}</h2>
            <form class="connection-form" node_ref=form novalidate=true on:submit=submit>
                <NonFieldError error />
                <ConnectionInputs fields error secret_set />
                <SaveOrCancel save_label="Save connection" pending on_cancel=on_close />
            </form>
        </section>
    }
    .into_any()
}

/// The form's controls, each with the server's message for it.
#[component]
fn ConnectionInputs(
    fields: ConnectionFields,
    error: RwSignal<Option<AppError>>,
    secret_set: bool,
) -> impl IntoView {
    let secret_hint = if secret_set {
        "A secret is set; type a new one to replace it."
    } else {
        "Write-only: it is stored encrypted and never shown again."
    };
    view! {
        <BoundField id="connection-name" label="Name" value=fields.name error=field_message(error, "name")
            hint="Letters, digits, _ and -; part of the redirect URI." />
        <GrantTypeField grant_type=fields.grant_type />
        <BoundField id="connection-authorization-url" label="Authorization URL" value=fields.authorization_url error=field_message(error, "authorization_url")
            hint="Needed for the authorization code grant. May contain {entity_id} and {field}, as the Token URL." />
        <BoundField id="connection-token-url" label="Token URL" value=fields.token_url error=field_message(error, "token_url")
            hint="May contain {entity_id} and any string config field as {field} (a field may name the host), filled per organization at Connect." />
        <BoundField id="connection-client-id" label="Client ID" value=fields.client_id error=field_message(error, "client_id") hint="" />
        <BoundField id="connection-client-secret" label="Client Secret" value=fields.client_secret error=field_message(error, "client_secret")
            hint=secret_hint input_type="password" />
        {secret_set.then(|| view! {
            <CheckboxField id="connection-clear-secret" label="Clear the client secret" checked=fields.clear_secret />
        })}
        <BoundField id="connection-secret-expires" label="Secret expires on" value=fields.client_secret_expires_on
            error=field_message(error, "client_secret_expires_on") input_type="date"
            hint="Optional: the last day the provider accepts the client secret. The Dashboard shows it 30 days ahead, and alerts can warn." />
        <BoundField id="connection-scopes" label="Scopes" value=fields.scopes error=field_message(error, "scopes")
            hint="Separated by spaces, e.g. openid offline_access User.Read. Sent on the code exchange and every refresh." />
        <CheckboxField id="connection-pkce" label="PKCE (S256)" checked=fields.pkce />
        <ExtraParametersField value=fields.extra_parameters message=field_message(error, "extra_parameters") />
        <BoundField id="connection-audience" label="Audience" value=fields.audience error=field_message(error, "audience")
            hint="Sent as audience where the provider needs one." />
        <BoundField id="connection-revocation-url" label="Revocation URL" value=fields.revocation_url error=field_message(error, "revocation_url")
            hint="Optional: called on Disconnect." />
        <BoundField id="connection-entity-id-source" label="Entity ID from the provider" value=fields.entity_id_source error=field_message(error, "entity_id_source")
            hint="Optional: where the provider reports an organization's entity ID when it connects: id_token:<claim> (id_token:tid for Microsoft) or response:<field>." />
    }
}

#[component]
fn GrantTypeField(grant_type: RwSignal<GrantType>) -> impl IntoView {
    view! {
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
    }
}

#[component]
fn ExtraParametersField(value: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="connection-extra-parameters">"Extra authorization parameters"</label>
            <textarea id="connection-extra-parameters" rows="3" class="code" spellcheck="false"
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
                aria-invalid=move || message.get().is_some().to_string()></textarea>
            <p class="field-message">
                {message_or_hint(message, "One key=value per line, e.g. prompt=consent or access_type=offline.")}
            </p>
        </div>
    }
}
