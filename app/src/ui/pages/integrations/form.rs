//! The integration form: details and the Config Schema editor, for Create Integration and Edit.

use leptos::prelude::*;

use super::list::{integration_href, INTEGRATIONS_PATH};
use crate::domain::integration::{
    schema_field_name, FieldType, IntegrationDraft, IntegrationView, SchemaField,
};
use crate::error::AppError;
use crate::serverfns::integrations::{get_integration, CreateIntegration, UpdateIntegration};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::form::{field_message, BoundField, NonFieldError};
use crate::ui::islands::{go_to, sent_with_page, start_page_island, PageQuery};

/// One row of the schema editor; `uid` keeps rows apart while they move.
#[derive(Clone, Copy)]
struct FieldState {
    uid: u64,
    id: Option<i64>,
    key: RwSignal<String>,
    field_type: RwSignal<FieldType>,
    required: RwSignal<bool>,
    description: RwSignal<String>,
}

impl FieldState {
    fn new(uid: u64, field: &SchemaField) -> FieldState {
        FieldState {
            uid,
            id: field.id,
            key: RwSignal::new(field.key.clone()),
            field_type: RwSignal::new(field.field_type),
            required: RwSignal::new(field.required),
            description: RwSignal::new(field.description.clone()),
        }
    }

    fn to_field(self) -> SchemaField {
        SchemaField {
            id: self.id,
            key: self.key.get_untracked(),
            field_type: self.field_type.get_untracked(),
            required: self.required.get_untracked(),
            description: self.description.get_untracked(),
        }
    }
}

#[island(lazy)]
pub fn CreateIntegrationPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    view! {
        <p class="breadcrumb"><a href=INTEGRATIONS_PATH>"Integrations"</a>" / New"</p>
        <h1>"Create Integration"</h1>
        <IntegrationForm existing=None />
    }
}

#[island(lazy)]
pub fn EditIntegrationPage(name: String, query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let integration = sent_with_page(move || Resource::new(move || name.clone(), get_integration));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || integration.get().map(|result| match result {
                Ok(view) => view! {
                    <h2>"Edit details and schema"</h2>
                    <IntegrationForm existing=Some(view) />
                }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn IntegrationForm(existing: Option<IntegrationView>) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    focus_on_open(dialog, Some("button.secondary"));
    let draft = existing
        .as_ref()
        .map(IntegrationView::to_draft)
        .unwrap_or_default();
    let existing_id = existing.as_ref().map(|view| view.id);
    let opened_at_version = draft.opened_at_version;
    let original_name = existing.as_ref().map(|view| view.name.clone());
    let name = RwSignal::new(draft.name.clone());
    let description = RwSignal::new(draft.description.clone());
    let entity_id_name = RwSignal::new(draft.entity_id_name.clone());
    let default_entity_id = RwSignal::new(draft.default_entity_id.clone());
    let next_uid = StoredValue::new(draft.fields.len() as u64);
    let fields = RwSignal::new(
        draft
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| FieldState::new(index as u64, field))
            .collect::<Vec<_>>(),
    );

    let create = ServerAction::<CreateIntegration>::new();
    let update = ServerAction::<UpdateIntegration>::new();
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    let error = RwSignal::new(None::<AppError>);
    let needs_confirmation = RwSignal::new(None::<String>);

    let collect = move |confirm_field_removal: bool| IntegrationDraft {
        name: name.get_untracked(),
        description: description.get_untracked(),
        entity_id_name: entity_id_name.get_untracked(),
        default_entity_id: default_entity_id.get_untracked(),
        fields: fields
            .get_untracked()
            .into_iter()
            .map(FieldState::to_field)
            .collect(),
        confirm_field_removal,
        opened_at_version,
    };
    let submit = move |confirm: bool| {
        error.set(None);
        needs_confirmation.set(None);
        let draft = collect(confirm);
        match existing_id {
            Some(id) => {
                update.dispatch(UpdateIntegration { id, draft });
            }
            None => {
                create.dispatch(CreateIntegration { draft });
            }
        }
    };
    Effect::new(move |_| {
        let outcome = create.value().get().or_else(|| update.value().get());
        match outcome {
            Some(Ok(saved)) => {
                let target = if existing_id.is_some() {
                    format!("{}?saved=1", integration_href(&saved.name))
                } else {
                    format!("{}/configuration?created=1", integration_href(&saved.name))
                };
                go_to(&target);
            }
            Some(Err(AppError::NeedsConfirmation(message))) => {
                needs_confirmation.set(Some(message))
            }
            Some(Err(other)) => error.set(Some(other)),
            None => {}
        }
    });
    let add_field = move |_| {
        let uid = next_uid.get_value();
        next_uid.set_value(uid + 1);
        let blank = SchemaField {
            id: None,
            key: String::new(),
            field_type: FieldType::String,
            required: false,
            description: String::new(),
        };
        fields.update(|rows| rows.push(FieldState::new(uid, &blank)));
    };
    let renamed = move || {
        original_name
            .as_ref()
            .is_some_and(|original| !original.eq_ignore_ascii_case(name.get().trim()))
    };

    view! {
        <form class="integration-form" novalidate=true on:submit=move |event| {
            event.prevent_default();
            submit(false);
        }>
            <NonFieldError error />
            <fieldset>
                <legend>"Details"</legend>
                <BoundField id="integration-name" label="Name" value=name error=field_message(error, "name")
                    hint="Unique; letters, digits, _ and -, e.g. HaloPSA or Microsoft_Graph. Workflows ask for the integration by this name." />
                <Show when=renamed>
                    <p class="warning" role="status">"Renaming keeps the mappings and values, but workflows that call this integration by its old name will stop finding it."</p>
                </Show>
                <BoundField id="integration-description" label="Description" value=description error=field_message(error, "description")
                    hint="What this integration connects to." />
                <BoundField id="integration-entity-id-name" label="Entity ID Name" value=entity_id_name error=field_message(error, "entity_id_name")
                    hint="What the external system calls a customer, e.g. Tenant ID or Company ID." />
                <BoundField id="integration-default-entity-id" label="Default Entity ID" value=default_entity_id error=field_message(error, "default_entity_id")
                    hint="Used in the global scope and for organizations without a mapping, e.g. common." />
            </fieldset>
            <fieldset>
                <legend>"Config Schema"</legend>
                <p class="muted">"The settings every organization has: a key workflows read, a type, and whether a value is required."</p>
                {move || error.get().and_then(|e| e.for_field("fields").map(str::to_string))
                    .map(|message| view! { <p class="field-error">{message}</p> })}
                <Show when=move || fields.with(Vec::is_empty)>
                    <p class="muted empty-schema">"No fields yet. Add fields like base_url, api_key or tenant_id."</p>
                </Show>
                <ol class="schema-rows">
                    <For each=move || fields.get() key=|row| row.uid let:row>
                        <SchemaRow row fields error />
                    </For>
                </ol>
                <button type="button" class="button secondary" on:click=add_field>"Add field"</button>
            </fieldset>
            {move || needs_confirmation.get().map(|message| view! {
                <div class="confirm" node_ref=dialog role="alertdialog" aria-labelledby="confirm-removal-title"
                    on:keydown=move |event| if event.key() == "Escape" { needs_confirmation.set(None) }>
                    <p id="confirm-removal-title"><strong>"Delete stored values?"</strong></p>
                    <p>{message}</p>
                    <div class="confirm-actions">
                        <button type="button" class="button danger" on:click=move |_| submit(true)>"Delete values and save"</button>
                        <button type="button" class="button secondary" on:click=move |_| needs_confirmation.set(None)>"Cancel"</button>
                    </div>
                </div>
            })}
            <div class="form-actions">
                <button type="submit" class="button" disabled=pending>
                    {if existing_id.is_some() { "Save changes" } else { "Save integration" }}
                </button>
                <a class="button secondary" href=INTEGRATIONS_PATH>"Cancel"</a>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn SchemaRow(
    row: FieldState,
    fields: RwSignal<Vec<FieldState>>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let uid = row.uid;
    let index =
        Memo::new(move |_| fields.with(|rows| rows.iter().position(|r| r.uid == uid).unwrap_or(0)));
    let message = move |part: &'static str| {
        move || {
            error.get().and_then(|e| {
                e.for_field(&schema_field_name(index.get(), part))
                    .map(str::to_string)
            })
        }
    };
    let move_by = move |offset: isize| {
        fields.update(|rows| {
            let from = index.get_untracked();
            let to = from as isize + offset;
            if to >= 0 && (to as usize) < rows.len() {
                rows.swap(from, to as usize);
            }
        })
    };
    let key_id = format!("schema-key-{uid}");
    let type_id = format!("schema-type-{uid}");
    let required_id = format!("schema-required-{uid}");
    let description_id = format!("schema-description-{uid}");
    let position = move || format!("Field {}", index.get() + 1);
    let key_message = message("key");
    let type_message = message("type");
    let description_message = message("description");
    view! {
        <li class="schema-row">
            <div class="field">
                <label for=key_id.clone()>"Key"</label>
                <input id=key_id type="text" autocomplete="off" placeholder="base_url"
                    prop:value=move || row.key.get()
                    on:input=move |event| row.key.set(event_target_value(&event))
                    aria-invalid=move || key_message().is_some().to_string() />
                <p class="field-message">{move || key_message().map(|m| view! { <span class="field-error">{m}</span> })}</p>
            </div>
            <div class="field">
                <label for=type_id.clone()>"Type"</label>
                <select id=type_id
                    on:change=move |event| {
                        if let Some(kind) = FieldType::parse(&event_target_value(&event)) {
                            row.field_type.set(kind);
                        }
                    }>
                    {FieldType::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str() selected=move || row.field_type.get() == kind>{kind.as_str()}</option>
                    }).collect_view()}
                </select>
                <p class="field-message">{move || type_message().map(|m| view! { <span class="field-error">{m}</span> })}</p>
            </div>
            <div class="field checkbox-field">
                <input id=required_id.clone() type="checkbox"
                    prop:checked=move || row.required.get()
                    on:change=move |event| row.required.set(event_target_checked(&event)) />
                <label for=required_id>"Required"</label>
            </div>
            <div class="field grow">
                <label for=description_id.clone()>"Description"</label>
                <input id=description_id type="text" autocomplete="off"
                    prop:value=move || row.description.get()
                    on:input=move |event| row.description.set(event_target_value(&event)) />
                <p class="field-message">{move || description_message().map(|m| view! { <span class="field-error">{m}</span> })}</p>
            </div>
            <div class="row-actions" role="group" aria-label=position>
                <button type="button" class="button secondary small" aria-label=move || format!("Move {} up", position())
                    disabled=move || index.get() == 0 on:click=move |_| move_by(-1)>"↑"</button>
                <button type="button" class="button secondary small" aria-label=move || format!("Move {} down", position())
                    disabled=move || index.get() + 1 >= fields.with(Vec::len) on:click=move |_| move_by(1)>"↓"</button>
                <button type="button" class="button danger small" aria-label=move || format!("Remove {}", position())
                    on:click=move |_| fields.update(|rows| rows.retain(|r| r.uid != uid))>"Remove"</button>
            </div>
        </li>
    }
    .into_any()
}
