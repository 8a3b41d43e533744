//! The mapping form inside the editor: the organization (chosen here for a new mapping), its
//! entity ID and name, which OAuth token it uses, and its overrides of the defaults.

use leptos::prelude::*;

use super::entity_picker::EntityPicker;
use super::mapping_editor::EditorStart;
use super::mapping_token::TokenChoiceField;
use super::mappings::Editing;
use super::values::{ValueInputs, ValueState};
use crate::domain::ids::{IntegrationId, MappingId, OrganizationId};
use crate::domain::integration::{MappingDraft, MappingTokenChoice};
use crate::error::AppError;
use crate::serverfns::mappings::{list_unmapped_organizations, CreateMapping, UpdateMapping};
use crate::serverfns::oauth::start_oauth_connect;
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::form::{field_message, message_or_hint, NonFieldError, SaveOrCancel};
use crate::ui::islands::{go_to, reload_page, sent_with_page};

/// The form's values.
#[derive(Clone)]
struct MappingFields {
    organization_id: RwSignal<Option<OrganizationId>>,
    entity_id: RwSignal<String>,
    entity_name: RwSignal<String>,
    overrides: Vec<ValueState>,
    oauth_token: RwSignal<MappingTokenChoice>,
}

impl MappingFields {
    fn new(start: &EditorStart) -> Self {
        Self {
            organization_id: RwSignal::new(start.organization.as_ref().map(|(id, _)| *id)),
            entity_id: RwSignal::new(start.entity_id.clone()),
            entity_name: RwSignal::new(start.entity_name.clone()),
            overrides: start.values.iter().cloned().map(ValueState::new).collect(),
            oauth_token: RwSignal::new(
                start
                    .oauth_token_id
                    .map_or(MappingTokenChoice::Shared, MappingTokenChoice::Own),
            ),
        }
    }

    /// What Save sends.
    fn to_draft(&self) -> MappingDraft {
        MappingDraft {
            organization_id: self.organization_id.get_untracked().unwrap_or_default(),
            entity_id: self.entity_id.get_untracked(),
            entity_name: self.entity_name.get_untracked(),
            overrides: self
                .overrides
                .iter()
                .map(|state| state.to_input(true))
                .collect(),
        }
    }
}

#[component]
pub fn MappingForm(
    integration_id: IntegrationId,
    mode: Editing,
    start: EditorStart,
    entity_label: String,
    /// The integration has an OAuth connection: the form offers the token choice.
    with_oauth: bool,
    /// The integration lists its entities: the form offers them to pick from.
    with_entity_source: bool,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    // The editor's content arrives after it opens; focus it when it does.
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    let fields = MappingFields::new(&start);
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateMapping>::new();
    let update = ServerAction::<UpdateMapping>::new();
    let oauth_token = fields.oauth_token;
    Effect::new(
        move |_| match create.value().get().or_else(|| update.value().get()) {
            Some(Ok(saved))
                if oauth_token.get_untracked() == MappingTokenChoice::ConnectAfterSaving =>
            {
                connect_after_saving(integration_id, saved.id, error);
            }
            Some(Ok(_)) => reload_page(),
            Some(Err(failure)) => error.set(Some(failure)),
            None => {}
        },
    );
    let (organization_id, entity_id, entity_name) =
        (fields.organization_id, fields.entity_id, fields.entity_name);
    let token_choice = with_oauth.then(|| view! {
        <TokenChoiceField integration_id organization_id choice=oauth_token message=field_message(error, "oauth_token") />
    });
    let states = fields.overrides.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let token = with_oauth.then(|| fields.oauth_token.get_untracked());
        save_mapping(
            &mode,
            integration_id,
            (fields.to_draft(), token),
            create,
            update,
        );
    };
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        <form class="mapping-form" node_ref=form novalidate=true on:submit=submit>
            <NonFieldError error />
            {match start.organization {
                Some((_, name)) => view! {
                    <p><strong>"Organization: "</strong>{name}</p>
                }.into_any(),
                None => view! { <OrganizationPicker integration_id organization_id message=field_message(error, "organization_id") /> }.into_any(),
            }}
            {with_entity_source.then(|| view! { <EntityPicker integration_id entity_id entity_name /> })}
            <EntityIdField label=entity_label value=entity_id message=field_message(error, "entity_id") />
            <EntityNameField value=entity_name message=field_message(error, "entity_name") />
            {token_choice}
            <fieldset>
                <legend>"Overrides"</legend>
                <ValueInputs states overriding=true error error_prefix="overrides." />
            </fieldset>
            <SaveOrCancel save_label="Save mapping" pending on_cancel=Callback::new(move |()| editing.set(None)) />
        </form>
    }
    .into_any()
}

/// Sends `draft` with the token chosen: a new mapping, or the change to the one being edited.
fn save_mapping(
    mode: &Editing,
    integration_id: IntegrationId,
    (draft, oauth_token): (MappingDraft, Option<MappingTokenChoice>),
    create: ServerAction<CreateMapping>,
    update: ServerAction<UpdateMapping>,
) {
    match mode {
        Editing::New(_) => {
            create.dispatch(CreateMapping {
                integration_id,
                draft,
                oauth_token,
            });
        }
        Editing::Existing(mapping_id) => {
            update.dispatch(UpdateMapping {
                integration_id,
                mapping_id: *mapping_id,
                draft,
                oauth_token,
            });
        }
    }
}

/// The mapping is saved: on to the provider's consent for its organization, which comes back
/// to the Mappings tab with the token linked.
fn connect_after_saving(
    integration_id: IntegrationId,
    mapping_id: MappingId,
    error: RwSignal<Option<AppError>>,
) {
    leptos::task::spawn_local(async move {
        match start_oauth_connect(integration_id, Some(mapping_id)).await {
            Ok(url) => go_to(&url),
            Err(failure) => error.set(Some(failure)),
        }
    });
}

/// The organization's ID in the external system, under the name the integration gives it.
#[component]
fn EntityIdField(
    label: String,
    value: RwSignal<String>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="mapping-entity-id">{label}</label>
            <input id="mapping-entity-id" type="text" autocomplete="off" required=true
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
                aria-invalid=move || message.get().is_some().to_string() />
            <p class="field-message">{message_or_hint(message, "Required: the organization's ID in the external system.")}</p>
        </div>
    }
}

#[component]
fn EntityNameField(value: RwSignal<String>, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="mapping-entity-name">"Entity name"</label>
            <input id="mapping-entity-name" type="text" autocomplete="off"
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event)) />
            <p class="field-message">{move || message.get().map(|text| view! { <span class="field-error">{text}</span> })}</p>
        </div>
    }
}

/// Organizations without a mapping, found by name on the server (there can be thousands).
#[component]
fn OrganizationPicker(
    integration_id: IntegrationId,
    organization_id: RwSignal<Option<OrganizationId>>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let choices = sent_with_page(move || {
        Resource::new(
            move || filter.get(),
            move |search| list_unmapped_organizations(integration_id, search),
        )
    });
    view! {
        <div class="field">
            <label for="mapping-organization-search">"Find organization"</label>
            <input id="mapping-organization-search" type="search" autocomplete="off" placeholder="Type part of a name"
                on:input=move |event| filter.set(event_target_value(&event)) />
        </div>
        <div class="field">
            <label for="mapping-organization">"Organization"</label>
            <Transition fallback=|| view! { <p class="muted">"Loading organizations…"</p> }>
                {move || choices.get().map(|result| match result.map(|paged| paged.items) {
                    Ok(choices) if choices.is_empty() => view! {
                        <p class="muted" id="mapping-organization">"No unmapped organization matches."</p>
                    }.into_any(),
                    Ok(choices) => view! {
                        <select id="mapping-organization"
                            aria-invalid=move || message.get().is_some().to_string()
                            on:change=move |event| organization_id.set(event_target_value(&event).parse().ok())>
                            <option value="" selected=move || organization_id.get().is_none()>"Choose an organization"</option>
                            {choices.into_iter().map(|choice| view! {
                                <option value=choice.id.to_string() selected=move || organization_id.get() == Some(choice.id)>{choice.name}</option>
                            }).collect_view()}
                        </select>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <p class="field-message">{move || message.get().map(|text| view! { <span class="field-error">{text}</span> })}</p>
        </div>
    }
    .into_any()
}
