//! Inputs for config values, one per schema field with the control its type needs: text,
//! a number, a checkbox, a JSON area, or a write-only secret with Replace and Clear. Used for
//! the defaults (Configuration tab) and for a mapping's overrides.

use leptos::prelude::*;

use crate::domain::integration::{FieldType, FieldValueView, ShownValue, ValueChange, ValueInput};
use crate::error::AppError;
use crate::ui::components::form::CheckboxField;

/// The editable state of one field's value.
#[derive(Clone, Copy)]
pub struct ValueState {
    view: StoredValue<FieldValueView>,
    /// The text form; for a secret, a replacement (empty keeps the stored one).
    text: RwSignal<String>,
    /// Secrets only: remove the stored one.
    clear_secret: RwSignal<bool>,
    /// Overrides only: the organization uses the default.
    use_default: RwSignal<bool>,
}

impl ValueState {
    pub fn new(view: FieldValueView) -> ValueState {
        let text = match &view.value {
            ShownValue::Text(text) => text.clone(),
            _ => String::new(),
        };
        let use_default = !view.value.is_set();
        ValueState {
            view: StoredValue::new(view),
            text: RwSignal::new(text),
            clear_secret: RwSignal::new(false),
            use_default: RwSignal::new(use_default),
        }
    }

    /// What to send on save.
    pub fn to_input(&self, overriding: bool) -> ValueInput {
        let view = self.view.get_value();
        let text = self.text.get_untracked();
        let change = if overriding && self.use_default.get_untracked() {
            ValueChange::Clear
        } else if view.field.field_type != FieldType::Secret {
            ValueChange::Set(text)
        } else if self.clear_secret.get_untracked() {
            ValueChange::Clear
        } else if text.is_empty() {
            ValueChange::Keep
        } else {
            ValueChange::Set(text)
        };
        ValueInput {
            key: view.field.key,
            change,
        }
    }

    /// Required, and neither what is entered here nor the default gives it a value.
    fn is_missing(&self, overriding: bool) -> bool {
        let view = self.view.get_value();
        let has_own = match view.field.field_type {
            FieldType::Secret => {
                !self.text.get().is_empty() || (view.value.is_set() && !self.clear_secret.get())
            }
            _ => !self.text.get().is_empty(),
        };
        let has_own = has_own && !(overriding && self.use_default.get());
        view.field.required && !has_own && !view.default.is_set()
    }
}

/// What a secret's hint adds: that an empty input keeps the stored one.
pub fn secret_note(value: &FieldValueView) -> &'static str {
    match (value.field.field_type, value.value.is_set()) {
        (FieldType::Secret, true) => "A secret is set; type a new one to replace it.",
        (FieldType::Secret, false) => "Type a value to set it.",
        _ => "",
    }
}

/// One labelled input per field. `overriding` shows each default and a "Use default" switch;
/// `error_prefix` is how the server names these fields (`""` or `"overrides."`).
#[component]
pub fn ValueInputs(
    states: Vec<ValueState>,
    overriding: bool,
    error: RwSignal<Option<AppError>>,
    error_prefix: &'static str,
) -> impl IntoView {
    states
        .into_iter()
        .map(|state| view! { <ValueField state overriding error error_prefix /> })
        .collect_view()
}

#[component]
fn ValueField(
    state: ValueState,
    overriding: bool,
    error: RwSignal<Option<AppError>>,
    error_prefix: &'static str,
) -> impl IntoView {
    let view = state.view.get_value();
    let key = view.field.key.clone();
    let field_type = view.field.field_type;
    let id = format!("{}-{key}", if overriding { "override" } else { "value" });
    let message_id = format!("{id}-message");
    let error_name = format!("{error_prefix}{key}");
    let message = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.for_field(&error_name).map(str::to_string))
    });
    let default_note = overriding.then(|| match &view.default {
        ShownValue::Unset => "No default.".to_string(),
        ShownValue::SecretSet => "Default: a secret is set.".to_string(),
        ShownValue::Text(text) => format!("Default: {text}"),
    });
    let missing = move || state.is_missing(overriding);
    let use_default_id = format!("{id}-use-default");
    let input_disabled = move || overriding && state.use_default.get();
    let hint = format!("{} {}", view.field.description, secret_note(&view));
    view! {
        <div class="field value-field" class:missing=missing>
            <div class="value-label">
                <label for=id.clone()><code>{key.clone()}</code></label>
                <span class="type-tag">{field_type.as_str()}</span>
                {view.field.required.then(|| view! { <span class="badge">"required"</span> })}
                {move || missing().then(|| view! { <span class="badge warning-badge">"missing"</span> })}
            </div>
            {overriding.then(|| view! {
                <CheckboxField id=use_default_id.clone() label=format!("Use default for {key}") checked=state.use_default />
            })}
            {control(state, field_type, id.clone(), message_id.clone(), message, Signal::derive(input_disabled))}
            <p class="field-message" id=message_id>
                {move || match message.get() {
                    Some(message) => view! { <span class="field-error">{message}</span> }.into_any(),
                    None => view! { <span class="muted">{hint.clone()}" "{default_note.clone()}</span> }.into_any(),
                }}
            </p>
        </div>
    }
    .into_any()
}

fn control(
    state: ValueState,
    field_type: FieldType,
    id: String,
    message_id: String,
    message: Signal<Option<String>>,
    disabled: Signal<bool>,
) -> AnyView {
    let invalid = move || message.get().is_some().to_string();
    let text = state.text;
    match field_type {
        FieldType::String | FieldType::Int => {
            let mode = if field_type == FieldType::Int {
                "numeric"
            } else {
                "text"
            };
            view! {
                <input id=id type="text" inputmode=mode autocomplete="off" disabled=disabled
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                    aria-invalid=invalid aria-describedby=message_id />
            }
            .into_any()
        }
        FieldType::Bool => view! {
            <select id=id disabled=disabled aria-describedby=message_id
                prop:value=move || text.get()
                on:change=move |event| text.set(event_target_value(&event))>
                <option value="">"Not set"</option>
                <option value="true">"On"</option>
                <option value="false">"Off"</option>
            </select>
        }
        .into_any(),
        FieldType::Json => view! {
            <textarea id=id rows="5" spellcheck="false" class="code" disabled=disabled
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
                aria-invalid=invalid aria-describedby=message_id></textarea>
        }
        .into_any(),
        FieldType::Secret => secret_control(state, id, message_id, disabled),
    }
}

/// A secret is never sent to the browser: an empty input keeps it, Clear removes it.
fn secret_control(
    state: ValueState,
    id: String,
    message_id: String,
    disabled: Signal<bool>,
) -> AnyView {
    let view = state.view.get_value();
    let key = view.field.key;
    let is_set = view.value.is_set();
    let text = state.text;
    let clear_secret = state.clear_secret;
    let clear_id = format!("{id}-clear");
    view! {
        <div class="secret-field">
            <span class="secret-status">{if is_set { "Set" } else { "Not set" }}</span>
            <input id=id type="password" autocomplete="new-password" disabled=disabled
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
                aria-describedby=message_id />
            {is_set.then(|| view! {
                <CheckboxField id=clear_id label=format!("Clear {key}") checked=clear_secret disabled />
            })}
        </div>
    }
    .into_any()
}
