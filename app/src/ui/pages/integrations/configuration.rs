//! The Configuration tab: the defaults every organization gets unless its mapping overrides them.
//!
//! The form renders on the server as plain controls (a select for a bool, a password input and a
//! Clear checkbox for a secret), so it needs no code in the browser to be edited. Its island only
//! sends it: it reads the controls, calls the server function and puts the server's messages
//! beside their fields. Kept to DOM calls, it is a small part of the page's first load.

use leptos::prelude::*;

use super::list::integration_href;
use super::values::secret_note;
use crate::domain::ids::IntegrationId;
use crate::domain::integration::{FieldType, FieldValueView, ShownValue};
use crate::error::AppError;
use crate::serverfns::integrations::{get_default_values, get_integration};
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{island_ready, PageQuery};

#[component]
pub fn ConfigurationTab(name: String, query: PageQuery) -> impl IntoView {
    let created = query.has("created").then(|| view! {
        <p class="success" role="status">"Integration created. Set its defaults below, then map organizations on the Mappings tab."</p>
    });
    let saved = query
        .has("saved")
        .then(|| view! { <p class="success" role="status">"Defaults saved."</p> });
    let load = async move {
        let integration = get_integration(name).await?;
        let values = get_default_values(integration.id).await?;
        Ok::<_, AppError>((integration.id, integration.name, values))
    };
    view! {
        {created}
        <p class="lead">"Default values apply to every organization; a mapping can override each of them."</p>
        {saved}
        {when_loaded(load, |(id, name, values)| if values.is_empty() {
            view! {
                <div class="empty-state"><p>"This integration has no config fields. Add them with Edit on the Overview tab."</p></div>
            }.into_any()
        } else {
            let fields = values.iter().map(|value| (value.field.key.clone(), value.field.field_type)).collect();
            view! {
                <DefaultsForm integration_id=id name fields>
                    {values.into_iter().map(|value| view! { <DefaultField value /> }).collect_view()}
                </DefaultsForm>
            }.into_any()
        })}
    }
}

/// The id of a field's control; its message is `{id}-message`, a secret's Clear `{id}-clear`.
fn control_id(key: &str) -> String {
    format!("value-{key}")
}

/// One field of the defaults form, as the server renders it.
#[component]
fn DefaultField(value: FieldValueView) -> impl IntoView {
    let field = &value.field;
    let id = control_id(&field.key);
    let message_id = format!("{id}-message");
    let text = match &value.value {
        ShownValue::Text(text) => text.clone(),
        _ => String::new(),
    };
    let control = match field.field_type {
        FieldType::String | FieldType::Int => {
            let mode = if field.field_type == FieldType::Int {
                "numeric"
            } else {
                "text"
            };
            view! {
                <input id=id.clone() name=field.key.clone() type="text" inputmode=mode autocomplete="off"
                    value=text aria-describedby=message_id.clone() />
            }
            .into_any()
        }
        FieldType::Json => view! {
            <textarea id=id.clone() name=field.key.clone() rows="5" spellcheck="false" class="code"
                aria-describedby=message_id.clone()>{text}</textarea>
        }
        .into_any(),
        FieldType::Bool => view! {
            <select id=id.clone() name=field.key.clone() aria-describedby=message_id.clone()>
                <option value="" selected=text.is_empty()>"Not set"</option>
                <option value="true" selected=text == "true">"On"</option>
                <option value="false" selected=text == "false">"Off"</option>
            </select>
        }
        .into_any(),
        FieldType::Secret => secret_control(&value, &id, &message_id),
    };
    let note = secret_note(&value);
    view! {
        <div class="field value-field" class:missing=value.is_missing()>
            <div class="value-label">
                <label for=id><code>{field.key.clone()}</code></label>
                <span class="type-tag">{field.field_type.as_str()}</span>
                {field.required.then(|| view! { <span class="badge">"required"</span> })}
                {value.is_missing().then(|| view! { <span class="badge warning-badge">"missing"</span> })}
            </div>
            {control}
            <p class="field-message" id=message_id>
                <span class="field-error" hidden=true></span>
                <span class="muted">{field.description.clone()}" "{note}</span>
            </p>
        </div>
    }
}

/// A secret is never sent to the browser: an empty input keeps it, Clear removes it.
fn secret_control(value: &FieldValueView, id: &str, message_id: &str) -> AnyView {
    let key = value.field.key.clone();
    let is_set = value.value.is_set();
    let clear = is_set.then(|| {
        let clear_id = format!("{id}-clear");
        view! {
            <div class="checkbox-field">
                <input id=clear_id.clone() type="checkbox" name=format!("{key}.clear") />
                <label for=clear_id>{format!("Clear {key}")}</label>
            </div>
        }
    });
    view! {
        <div class="secret-field">
            <span class="secret-status">{if is_set { "Set" } else { "Not set" }}</span>
            <input id=id.to_string() name=key.clone() type="password" autocomplete="new-password"
                aria-describedby=message_id.to_string() />
            {clear}
        </div>
    }
    .into_any()
}

/// Sends the server-rendered fields in `children`. A save that succeeds loads the tab again,
/// which shows what is stored now (a replaced secret as set, values in their canonical form);
/// one that fails keeps everything typed and shows each field's message beside it.
#[island(lazy)]
fn DefaultsForm(
    integration_id: IntegrationId,
    name: String,
    fields: Vec<(String, FieldType)>,
    children: Children,
) -> impl IntoView {
    island_ready();
    // Disabled until live: before then a submit would send the form as a plain GET, secrets in
    // the address.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saved_href = format!("{}/configuration?saved", integration_href(&name));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        send::save(&event, integration_id, &fields, &saved_href, pending, error);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&fields, &saved_href, integration_id);
    };
    view! {
        <form class="values-form" novalidate=true aria-label="Defaults" on:submit=on_submit>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            {children()}
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || !live.get() || pending.get()>"Save"</button>
            </div>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod send {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use super::control_id;
    use crate::domain::ids::IntegrationId;
    use crate::domain::integration::{FieldType, ValueChange, ValueInput};
    use crate::error::AppError;
    use crate::serverfns::integrations::save_default_values;
    use crate::ui::components::form::show_field_message;
    use crate::ui::islands::go_to;

    pub fn save(
        event: &leptos::ev::SubmitEvent,
        integration_id: IntegrationId,
        fields: &[(String, FieldType)],
        saved_href: &str,
        pending: RwSignal<bool>,
        error: RwSignal<Option<String>>,
    ) {
        let Some(data) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            .and_then(|form| web_sys::FormData::new_with_form(&form).ok())
        else {
            return;
        };
        let inputs = fields
            .iter()
            .map(|(key, field_type)| ValueInput {
                key: key.clone(),
                change: change_of(&data, key, *field_type),
            })
            .collect();
        let fields = fields.to_vec();
        let saved_href = saved_href.to_string();
        pending.set(true);
        leptos::task::spawn_local(async move {
            match save_default_values(integration_id, inputs).await {
                Ok(()) => go_to(&saved_href),
                Err(failure) => {
                    show_field_messages(&fields, &failure);
                    error.set(Some(if failure.is_about_fields() {
                        "Nothing was saved: correct the values marked below.".to_string()
                    } else {
                        failure.to_string()
                    }));
                    pending.set(false);
                }
            }
        });
    }

    fn change_of(data: &web_sys::FormData, key: &str, field_type: FieldType) -> ValueChange {
        let text = data.get(key).as_string().unwrap_or_default();
        match field_type {
            FieldType::Secret if data.has(&format!("{key}.clear")) => ValueChange::Clear,
            FieldType::Secret if text.is_empty() => ValueChange::Keep,
            _ => ValueChange::Set(text),
        }
    }

    /// Each field's message from the server beside it, the hint back where there is none.
    fn show_field_messages(fields: &[(String, FieldType)], failure: &AppError) {
        let document = document();
        for (key, _) in fields {
            let id = control_id(key);
            if let Some(shown) = document.get_element_by_id(&format!("{id}-message")) {
                show_field_message(
                    &shown,
                    document.get_element_by_id(&id),
                    failure.for_field(key),
                );
            }
        }
    }
}
