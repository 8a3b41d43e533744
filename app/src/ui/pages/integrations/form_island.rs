//! The integration form's island: it works on the server-rendered form directly. Add field, the
//! moves and Remove change the schema list's elements; Save reads the controls, calls the server
//! through a lazy function and puts each message beside its field. Only the browser runs the DOM
//! calls below.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::list::integration_href;
use super::oauth_choice_island;
use super::schema_fields::NEW_ROW;
use crate::domain::ids::IntegrationId;
use crate::domain::integration::{
    schema_field_name, FieldType, IntegrationDraft, IntegrationOAuthChoice, SchemaField,
};
use crate::error::AppError;
use crate::serverfns::integrations::{create_integration, update_integration};
use crate::ui::components::form::show_field_message;
use crate::ui::islands::{clicked_button, go_to, island_ready};

/// Edits the server-rendered form in `children` and sends it, all through the DOM.
#[island(lazy)]
pub fn IntegrationFormIsland(children: Children) -> impl IntoView {
    island_ready();
    Effect::new(|_| set_saving(false));
    view! {
        <div on:click=|event| on_click(&event)
            on:input=|event| warn_on_rename(&event)
            on:change=|event| oauth_choice_island::show_chosen_part(&event)
            on:keydown=|event| close_on_escape(&event)
            on:submit=|event| { event.prevent_default(); send(false); }>
            {children()}
        </div>
    }
}

/// Saves the draft; the saved integration's name, for the page to go to.
#[lazy]
async fn save_integration(
    existing_id: Option<IntegrationId>,
    draft: IntegrationDraft,
    oauth: Option<IntegrationOAuthChoice>,
) -> Result<String, AppError> {
    let saved = match existing_id {
        Some(id) => update_integration(id, draft).await?,
        None => create_integration(draft, oauth).await?,
    };
    Ok(saved.name)
}

// What the island does to the form's HTML.

/// The details' server names and the ids of their inputs.
const DETAILS: [(&str, &str); 4] = [
    ("name", "integration-name"),
    ("description", "integration-description"),
    ("entity_id_name", "integration-entity-id-name"),
    ("default_entity_id", "integration-default-entity-id"),
];
const CONFIRMATION: &str = "confirm-removal";

pub(super) fn by_id(id: &str) -> Option<web_sys::Element> {
    document().get_element_by_id(id)
}

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

pub(super) fn input_value(element: Option<web_sys::Element>) -> String {
    element
        .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default()
}

pub(super) fn set_flag(element: Option<web_sys::Element>, attribute: &str, on: bool) {
    if let Some(element) = element {
        let _ = if on {
            element.set_attribute(attribute, "")
        } else {
            element.remove_attribute(attribute)
        };
    }
}

fn focus(element: Option<web_sys::Element>) {
    if let Some(element) = element.and_then(|found| found.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Save and the confirmation's button are disabled while a save is under way.
fn set_saving(saving: bool) {
    set_flag(by_id("save-integration"), "disabled", saving);
    set_flag(
        document()
            .query_selector("[data-schema-action=confirm-removal]")
            .ok()
            .flatten(),
        "disabled",
        saving,
    );
}

/// A message that belongs to no field, above the form; none hides it.
fn show_error(message: Option<&str>) {
    let shown = by_id("integration-form-error");
    if let Some(shown) = &shown {
        shown.set_text_content(message);
    }
    set_flag(shown, "hidden", message.is_none());
}

/// The server's question before it deletes stored values, with Cancel focused; none closes it.
fn show_confirmation(message: Option<&str>) {
    if let Some(text) = by_id("confirm-removal-message") {
        text.set_text_content(message);
    }
    let dialog = by_id(CONFIRMATION);
    let cancel = dialog
        .as_ref()
        .and_then(|dialog| within(dialog, "button.secondary"));
    set_flag(dialog, "hidden", message.is_none());
    // After it is shown: a hidden element cannot take the focus.
    if message.is_some() {
        focus(cancel);
    }
}

fn close_on_escape(event: &leptos::ev::KeyboardEvent) {
    let in_confirmation = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|target| target.closest(&format!("#{CONFIRMATION}")).ok().flatten())
        .is_some();
    if in_confirmation && event.key() == "Escape" {
        show_confirmation(None);
    }
}

/// Add field, a row's moves and Remove, and the confirmation's buttons.
fn on_click(event: &leptos::ev::MouseEvent) {
    let Some(button) = clicked_button(event, "button[data-schema-action]") else {
        return;
    };
    let row = button.closest("li.schema-row").ok().flatten();
    match (button.get_attribute("data-schema-action").as_deref(), row) {
        (Some("add"), _) => add_row(),
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
        (Some("confirm-removal"), _) => return send(true),
        (Some("cancel-removal"), _) => return show_confirmation(None),
        _ => return,
    }
    number_rows();
}

/// A row from the template, numbered by the list's `data-next-row` so its ids are new.
fn add_row() {
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
    let number: usize = list
        .get_attribute("data-next-row")
        .and_then(|number| number.parse().ok())
        .unwrap_or_default();
    let _ = list.set_attribute("data-next-row", &(number + 1).to_string());
    let html = html.replace(NEW_ROW, &number.to_string());
    let _ = list.insert_adjacent_html("beforeend", &html);
    focus(
        list.last_element_child()
            .and_then(|row| within(&row, ".schema-key")),
    );
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
                set_flag(Some(button), "disabled", disabled);
            }
        }
    }
    set_flag(
        document().query_selector(".empty-schema").ok().flatten(),
        "hidden",
        count > 0,
    );
}

fn form_data(name: &str) -> Option<String> {
    document()
        .query_selector("form.integration-form")
        .ok()
        .flatten()
        .and_then(|form| form.get_attribute(name))
}

/// Shows the rename warning while the name differs from the one the form opened with.
fn warn_on_rename(event: &web_sys::Event) {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|input| input.id() == "integration-name")
    else {
        return;
    };
    let renamed = form_data("data-original-name")
        .is_some_and(|original| !original.eq_ignore_ascii_case(input.value().trim()));
    set_flag(by_id("rename-warning"), "hidden", !renamed);
}

fn read_draft(confirm_field_removal: bool) -> IntegrationDraft {
    let detail = |id: &str| input_value(by_id(id));
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
        opened_at_version: form_data("data-opened-at-version")
            .and_then(|version| version.parse().ok()),
    }
}

fn send(confirm: bool) {
    let draft = read_draft(confirm);
    let existing_id: Option<IntegrationId> =
        form_data("data-existing-id").and_then(|id| id.parse().ok());
    let oauth = oauth_choice_island::read_choice();
    let next_tab = if oauth_choice_island::connect_comes_next(oauth.as_ref()) {
        "oauth"
    } else {
        "configuration"
    };
    show_error(None);
    show_confirmation(None);
    set_saving(true);
    leptos::task::spawn_local(async move {
        match save_integration(existing_id, draft, oauth).await {
            Ok(name) => go_to(&match existing_id {
                Some(_) => format!("{}?saved=1", integration_href(&name)),
                None => format!("{}/{next_tab}?created=1", integration_href(&name)),
            }),
            Err(failure) => {
                set_saving(false);
                show_messages(&failure);
                match &failure {
                    AppError::NeedsConfirmation(message) => show_confirmation(Some(message)),
                    other if !other.is_about_fields() => show_error(Some(&other.to_string())),
                    _ => {}
                }
            }
        }
    });
}

/// Each field's message from the server beside it, the hint back where there is none.
fn show_messages(failure: &AppError) {
    for (name, id) in DETAILS {
        if let Some(shown) = by_id(&format!("{id}-message")) {
            show_field_message(&shown, by_id(id), failure.for_field(name));
        }
    }
    oauth_choice_island::show_messages(failure);
    if let Some(shown) = by_id("schema-fields-message") {
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
