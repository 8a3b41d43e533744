//! The integration form: details and the Config Schema editor, for Create Integration and Edit.
//!
//! The form renders on the server as plain controls, the schema as a list of rows and a
//! `<template>` for a new one. Its island works on that HTML directly: Add field, the moves and
//! Remove change the list's elements, and Save reads the controls, calls the server through a
//! lazy function and puts each message beside its field. Kept to DOM calls, it is a small part
//! of the page's first load.

use leptos::prelude::*;

use super::list::INTEGRATIONS_PATH;
use crate::domain::integration::{FieldType, IntegrationDraft, IntegrationView, SchemaField};
use crate::serverfns::integrations::get_integration;
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{start_page_island, PageQuery};

/// The placeholder for a new row's number in the row template's ids.
const NEW_ROW: &str = "__row__";

#[component]
pub fn CreateIntegrationPage(query: PageQuery) -> impl IntoView {
    view! {
        <p class="breadcrumb"><a href=INTEGRATIONS_PATH>"Integrations"</a>" / New"</p>
        <h1>"Create Integration"</h1>
        <IntegrationForm existing=None query />
    }
    .into_any()
}

#[component]
pub fn EditIntegrationPage(name: String, query: PageQuery) -> impl IntoView {
    when_loaded(get_integration(name), move |view| {
        view! {
            <h2>"Edit details and schema"</h2>
            <IntegrationForm existing=Some(view) query />
        }
    })
}

#[component]
fn IntegrationForm(existing: Option<IntegrationView>, query: PageQuery) -> impl IntoView {
    let draft = existing
        .as_ref()
        .map(IntegrationView::to_draft)
        .unwrap_or_default();
    let setup = FormSetup {
        existing_id: existing.as_ref().map(|view| view.id),
        original_name: existing.as_ref().map(|view| view.name.clone()),
        opened_at_version: draft.opened_at_version,
        row_count: draft.fields.len(),
    };
    let count = draft.fields.len();
    let has_rows = count > 0;
    let blank = SchemaField {
        id: None,
        key: String::new(),
        field_type: FieldType::String,
        required: false,
        description: String::new(),
    };
    view! {
        <IntegrationFormIsland setup query>
            <fieldset>
                <legend>"Details"</legend>
                {detail("integration-name", "Name", draft.name,
                    "Unique; letters, digits, _ and -, e.g. HaloPSA or Microsoft_Graph. Workflows ask for the integration by this name.")}
                <p class="warning" role="status" id="rename-warning" hidden=true>
                    "Renaming keeps the mappings and values, but workflows that call this integration by its old name will stop finding it."
                </p>
                {detail("integration-description", "Description", draft.description, "What this integration connects to.")}
                {detail("integration-entity-id-name", "Entity ID Name", draft.entity_id_name,
                    "What the external system calls a customer, e.g. Tenant ID or Company ID.")}
                {detail("integration-default-entity-id", "Default Entity ID", draft.default_entity_id,
                    "Used in the global scope and for organizations without a mapping, e.g. common.")}
            </fieldset>
            <fieldset>
                <legend>"Config Schema"</legend>
                <p class="muted">"The settings every organization has: a key workflows read, a type, and whether a value is required."</p>
                <p class="field-message" id="schema-fields-message"><span class="field-error" hidden=true></span></p>
                <p class="muted empty-schema" hidden=has_rows>"No fields yet. Add fields like base_url, api_key or tenant_id."</p>
                <ol class="schema-rows">
                    {draft.fields.iter().enumerate().map(|(index, field)| {
                        schema_row(&index.to_string(), index, count, field)
                    }).collect_view()}
                </ol>
                <template id="schema-row-template">{schema_row(NEW_ROW, 0, 1, &blank)}</template>
                <button type="button" class="button secondary" data-schema-action="add">"Add field"</button>
            </fieldset>
        </IntegrationFormIsland>
    }
    .into_any()
}

/// One labelled input of the details; its message is `{id}-message`.
fn detail(
    id: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" autocomplete="off" value=value aria-describedby=message_id.clone() />
            <p class="field-message" id=message_id>
                <span class="field-error" hidden=true></span>
                <span class="muted">{hint}</span>
            </p>
        </div>
    }
}

/// A row of the schema editor at `index` of `count`; `row` makes its ids unique.
fn schema_row(row: &str, index: usize, count: usize, field: &SchemaField) -> AnyView {
    let id = |part: &str| format!("schema-{part}-{row}");
    let position = format!("Field {}", index + 1);
    let field_type = field.field_type;
    let (first, last) = (index == 0, index + 1 >= count);
    let message = |part: &'static str| {
        view! { <p class="field-message" data-part=part><span class="field-error" hidden=true></span></p> }
    };
    view! {
        <li class="schema-row" data-field-id=field.id.map(|id| id.to_string())>
            <div class="field">
                <label for=id("key")>"Key"</label>
                <input id=id("key") class="schema-key" type="text" autocomplete="off" placeholder="base_url" value=field.key.clone() />
                {message("key")}
            </div>
            <div class="field">
                <label for=id("type")>"Type"</label>
                <select id=id("type") class="schema-type">
                    {FieldType::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str() selected=kind == field_type>{kind.as_str()}</option>
                    }).collect_view()}
                </select>
                {message("type")}
            </div>
            <div class="field checkbox-field">
                <input id=id("required") class="schema-required" type="checkbox" checked=field.required />
                <label for=id("required")>"Required"</label>
            </div>
            <div class="field grow">
                <label for=id("description")>"Description"</label>
                <input id=id("description") class="schema-description" type="text" autocomplete="off" value=field.description.clone() />
                {message("description")}
            </div>
            <div class="row-actions" role="group" aria-label=position.clone()>
                <button type="button" class="button secondary small" data-schema-action="up"
                    aria-label=format!("Move {position} up") disabled=first>"↑"</button>
                <button type="button" class="button secondary small" data-schema-action="down"
                    aria-label=format!("Move {position} down") disabled=last>"↓"</button>
                <button type="button" class="button danger small" data-schema-action="remove"
                    aria-label=format!("Remove {position}")>"Remove"</button>
            </div>
        </li>
    }
    .into_any()
}

/// What the form's island needs beyond the HTML it wraps.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct FormSetup {
    existing_id: Option<i64>,
    /// For an edit: the name when the form was opened, to warn about a rename.
    original_name: Option<String>,
    opened_at_version: Option<i64>,
    row_count: usize,
}

/// Edits the server-rendered form in `children` and sends it.
#[island(lazy)]
fn IntegrationFormIsland(setup: FormSetup, query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    // Disabled until live: before then a submit would send the form as a plain GET.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The server's question before it deletes the stored values of removed fields.
    let needs_confirmation = RwSignal::new(None::<String>);
    let next_row = StoredValue::new(setup.row_count);
    let setup = StoredValue::new(setup);
    let send = move |confirm: bool| {
        editor::send(
            &setup.get_value(),
            confirm,
            pending,
            error,
            needs_confirmation,
        )
    };
    let original_name = setup.with_value(|setup| setup.original_name.clone());
    let is_edit = setup.with_value(|setup| setup.existing_id.is_some());
    let confirmation = NodeRef::<leptos::html::Div>::new();
    focus_on_open(confirmation, Some("button.secondary"));
    view! {
        <form class="integration-form" novalidate=true
            on:click=move |event| editor::on_click(&event, next_row)
            on:input=move |event| editor::warn_on_rename(&event, original_name.as_deref())
            on:submit=move |event| { event.prevent_default(); send(false); }>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            {children()}
            {move || needs_confirmation.get().map(|message| view! {
                <div class="confirm" node_ref=confirmation role="alertdialog" aria-labelledby="confirm-removal-title"
                    on:keydown=move |event| if event.key() == "Escape" { needs_confirmation.set(None) }>
                    <p id="confirm-removal-title"><strong>"Delete stored values?"</strong></p>
                    <p>{message}</p>
                    <div class="confirm-actions">
                        <button type="button" class="button danger" on:click=move |_| send(true)>"Delete values and save"</button>
                        <button type="button" class="button secondary" on:click=move |_| needs_confirmation.set(None)>"Cancel"</button>
                    </div>
                </div>
            })}
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || !live.get() || pending.get()>
                    {if is_edit { "Save changes" } else { "Save integration" }}
                </button>
                <a class="button secondary" href=INTEGRATIONS_PATH>"Cancel"</a>
            </div>
        </form>
    }
    .into_any()
}

/// Saves the draft; the saved integration's name, for the page to go to.
#[lazy]
async fn save_integration(
    existing_id: Option<i64>,
    draft: IntegrationDraft,
) -> Result<String, crate::error::AppError> {
    use crate::serverfns::integrations::{create_integration, update_integration};
    let saved = match existing_id {
        Some(id) => update_integration(id, draft).await?,
        None => create_integration(draft).await?,
    };
    Ok(saved.name)
}

/// What the island does to the form's HTML. Only the browser runs it.
mod editor {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use super::super::list::integration_href;
    use super::{save_integration, FormSetup, NEW_ROW};
    use crate::domain::integration::{schema_field_name, FieldType, IntegrationDraft, SchemaField};
    use crate::error::AppError;
    use crate::ui::components::form::show_field_message;
    use crate::ui::islands::{clicked_button, go_to};

    const DETAILS: [(&str, &str); 4] = [
        ("name", "integration-name"),
        ("description", "integration-description"),
        ("entity_id_name", "integration-entity-id-name"),
        ("default_entity_id", "integration-default-entity-id"),
    ];

    fn rows() -> Vec<web_sys::Element> {
        let Ok(list) = document().query_selector_all("ol.schema-rows > li.schema-row") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|index| list.get(index))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .collect()
    }

    fn within(row: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
        row.query_selector(selector).ok().flatten()
    }

    fn input_value(element: Option<web_sys::Element>) -> String {
        element
            .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }

    /// Add field, and a row's moves and Remove.
    pub fn on_click(event: &leptos::ev::MouseEvent, next_row: StoredValue<usize>) {
        let Some(button) = clicked_button(event, "button[data-schema-action]") else {
            return;
        };
        let row = button.closest("li.schema-row").ok().flatten();
        match (button.get_attribute("data-schema-action").as_deref(), row) {
            (Some("add"), _) => add_row(next_row),
            (Some("up"), Some(row)) => {
                if let (Some(previous), Some(list)) =
                    (row.previous_element_sibling(), row.parent_node())
                {
                    let _ = list.insert_before(&row, Some(previous.as_ref()));
                }
            }
            (Some("down"), Some(row)) => {
                if let (Some(next), Some(list)) = (row.next_element_sibling(), row.parent_node()) {
                    let _ = list.insert_before(&next, Some(row.as_ref()));
                }
            }
            (Some("remove"), Some(row)) => row.remove(),
            _ => return,
        }
        number_rows();
    }

    fn add_row(next_row: StoredValue<usize>) {
        let document = document();
        let Some(template) = document
            .get_element_by_id("schema-row-template")
            .and_then(|element| element.dyn_into::<web_sys::HtmlTemplateElement>().ok())
        else {
            return;
        };
        let (Ok(Some(list)), Some(html)) = (
            document.query_selector("ol.schema-rows"),
            template
                .content()
                .first_element_child()
                .map(|row| row.outer_html()),
        ) else {
            return;
        };
        let number = next_row.get_value();
        next_row.set_value(number + 1);
        let html = html.replace(NEW_ROW, &number.to_string());
        let _ = list.insert_adjacent_html("beforeend", &html);
        if let Some(key) = list
            .last_element_child()
            .and_then(|row| within(&row, ".schema-key"))
            .and_then(|key| key.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = key.focus();
        }
    }

    /// After a change to the list: each row's position in its buttons' names, the first and
    /// last moves disabled, and the empty note when there is no row.
    fn number_rows() {
        let rows = rows();
        let count = rows.len();
        for (index, row) in rows.iter().enumerate() {
            let position = format!("Field {}", index + 1);
            if let Some(group) = within(row, ".row-actions") {
                let _ = group.set_attribute("aria-label", &position);
            }
            for (action, label, disabled) in [
                ("up", format!("Move {position} up"), index == 0),
                ("down", format!("Move {position} down"), index + 1 >= count),
                ("remove", format!("Remove {position}"), false),
            ] {
                if let Some(button) = within(row, &format!("[data-schema-action={action}]")) {
                    let _ = button.set_attribute("aria-label", &label);
                    let _ = if disabled {
                        button.set_attribute("disabled", "")
                    } else {
                        button.remove_attribute("disabled")
                    };
                }
            }
        }
        if let Ok(Some(empty)) = document().query_selector(".empty-schema") {
            let _ = if count == 0 {
                empty.remove_attribute("hidden")
            } else {
                empty.set_attribute("hidden", "")
            };
        }
    }

    /// Shows the rename warning while the name differs from the one the form opened with.
    pub fn warn_on_rename(event: &web_sys::Event, original: Option<&str>) {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|input| input.id() == "integration-name")
        else {
            return;
        };
        let renamed =
            original.is_some_and(|original| !original.eq_ignore_ascii_case(input.value().trim()));
        if let Some(warning) = document().get_element_by_id("rename-warning") {
            let _ = if renamed {
                warning.remove_attribute("hidden")
            } else {
                warning.set_attribute("hidden", "")
            };
        }
    }

    fn read_draft(setup: &FormSetup, confirm_field_removal: bool) -> IntegrationDraft {
        let document = document();
        let detail = |id: &str| input_value(document.get_element_by_id(id));
        let fields = rows()
            .iter()
            .map(|row| SchemaField {
                id: row
                    .get_attribute("data-field-id")
                    .and_then(|id| id.parse().ok()),
                key: input_value(within(row, ".schema-key")),
                field_type: within(row, ".schema-type")
                    .and_then(|select| select.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .and_then(|select| FieldType::parse(&select.value()))
                    .unwrap_or(FieldType::String),
                required: within(row, ".schema-required")
                    .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .is_some_and(|input| input.checked()),
                description: input_value(within(row, ".schema-description")),
            })
            .collect();
        IntegrationDraft {
            name: detail(DETAILS[0].1),
            description: detail(DETAILS[1].1),
            entity_id_name: detail(DETAILS[2].1),
            default_entity_id: detail(DETAILS[3].1),
            fields,
            confirm_field_removal,
            opened_at_version: setup.opened_at_version,
        }
    }

    pub fn send(
        setup: &FormSetup,
        confirm: bool,
        pending: RwSignal<bool>,
        error: RwSignal<Option<String>>,
        needs_confirmation: RwSignal<Option<String>>,
    ) {
        let draft = read_draft(setup, confirm);
        let existing_id = setup.existing_id;
        error.set(None);
        needs_confirmation.set(None);
        pending.set(true);
        leptos::task::spawn_local(async move {
            match save_integration(existing_id, draft).await {
                Ok(name) => go_to(&match existing_id {
                    Some(_) => format!("{}?saved=1", integration_href(&name)),
                    None => format!("{}/configuration?created=1", integration_href(&name)),
                }),
                Err(failure) => {
                    pending.set(false);
                    show_messages(&failure);
                    match failure {
                        AppError::NeedsConfirmation(message) => {
                            needs_confirmation.set(Some(message))
                        }
                        other if !other.is_about_fields() => error.set(Some(other.to_string())),
                        _ => {}
                    }
                }
            }
        });
    }

    /// Each field's message from the server beside it, the hint back where there is none.
    fn show_messages(failure: &AppError) {
        let document = document();
        for (name, id) in DETAILS {
            if let Some(shown) = document.get_element_by_id(&format!("{id}-message")) {
                show_field_message(
                    &shown,
                    document.get_element_by_id(id),
                    failure.for_field(name),
                );
            }
        }
        if let Some(shown) = document.get_element_by_id("schema-fields-message") {
            show_field_message(&shown, None, failure.for_field("fields"));
        }
        for (index, row) in rows().iter().enumerate() {
            for part in ["key", "type", "description"] {
                if let Some(shown) = within(row, &format!(".field-message[data-part={part}]")) {
                    let control = within(row, &format!(".schema-{part}"));
                    let message = failure.for_field(&schema_field_name(index, part));
                    show_field_message(&shown, control, message);
                }
            }
        }
    }
}
