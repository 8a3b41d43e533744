//! Inputs for config values, one per schema field with the control its type needs: text,
//! a number, a checkbox, a JSON area, or a write-only secret with Replace and Clear. Used for
//! the defaults (Configuration tab) and for a mapping's overrides.

use leptos::prelude::*;

use crate::domain::integration::{FieldType, FieldValueView, ShownValue, ValueChange, ValueInput};
use crate::error::AppError;

/// What the admin did to a secret: nothing, typed a replacement, or cleared it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SecretEdit {
    Keep,
    Replace,
    Clear,
}

/// The editable state of one field's value.
#[derive(Clone, Copy)]
pub struct ValueState {
    view: StoredValue<FieldValueView>,
    text: RwSignal<String>,
    secret: RwSignal<SecretEdit>,
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
            secret: RwSignal::new(SecretEdit::Keep),
            use_default: RwSignal::new(use_default),
        }
    }

    /// What to send on save.
    pub fn to_input(&self, overriding: bool) -> ValueInput {
        let view = self.view.get_value();
        let change = if overriding && self.use_default.get_untracked() {
            ValueChange::Clear
        } else if view.field.field_type == FieldType::Secret {
            match self.secret.get_untracked() {
                SecretEdit::Keep => ValueChange::Keep,
                SecretEdit::Clear => ValueChange::Clear,
                SecretEdit::Replace if self.text.get_untracked().is_empty() => ValueChange::Keep,
                SecretEdit::Replace => ValueChange::Set(self.text.get_untracked()),
            }
        } else {
            ValueChange::Set(self.text.get_untracked())
        };
        ValueInput {
            key: view.field.key,
            change,
        }
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
    let missing = {
        let view = view.clone();
        move || {
            let has_own = match field_type {
                FieldType::Secret => match state.secret.get() {
                    SecretEdit::Keep => view.value.is_set(),
                    SecretEdit::Replace => !state.text.get().is_empty() || view.value.is_set(),
                    SecretEdit::Clear => false,
                },
                _ => !state.text.get().is_empty(),
            };
            let has_own = has_own && !(overriding && state.use_default.get());
            view.field.required && !has_own && !view.default.is_set()
        }
    };
    let use_default_id = format!("{id}-use-default");
    let input_disabled = move || overriding && state.use_default.get();
    let hint = view.field.description.clone();
    view! {
        <div class="field value-field" class:missing=missing.clone()>
            <div class="value-label">
                <label for=id.clone()><code>{key.clone()}</code></label>
                <span class="type-tag">{field_type.as_str()}</span>
                {view.field.required.then(|| view! { <span class="badge">"required"</span> })}
                <Show when=missing.clone()>
                    <span class="badge warning-badge">"missing"</span>
                </Show>
            </div>
            {overriding.then(|| view! {
                <div class="checkbox-field">
                    <input id=use_default_id.clone() type="checkbox"
                        prop:checked=move || state.use_default.get()
                        on:change=move |event| state.use_default.set(event_target_checked(&event)) />
                    <label for=use_default_id.clone()>{format!("Use default for {key}")}</label>
                </div>
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
            let mode = if field_type == FieldType::Int { "numeric" } else { "text" };
            view! {
                <input id=id type="text" inputmode=mode autocomplete="off" disabled=disabled
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                    aria-invalid=invalid aria-describedby=message_id />
            }
            .into_any()
        }
        FieldType::Bool => view! {
            <div class="checkbox-field">
                <input id=id type="checkbox" disabled=disabled
                    prop:checked=move || text.get() == "true"
                    on:change=move |event| text.set(if event_target_checked(&event) { "true" } else { "false" }.to_string())
                    aria-describedby=message_id />
                <span class="muted">{move || match text.get().as_str() {
                    "" => "Not set",
                    "true" => "On",
                    _ => "Off",
                }}</span>
                <Show when=move || !text.get().is_empty() && !disabled.get()>
                    <button type="button" class="button secondary small" on:click=move |_| text.set(String::new())>"Unset"</button>
                </Show>
            </div>
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

fn secret_control(
    state: ValueState,
    id: String,
    message_id: String,
    disabled: Signal<bool>,
) -> AnyView {
    let is_set = state.view.get_value().value.is_set();
    let secret = state.secret;
    let text = state.text;
    let status = move || match (secret.get(), is_set) {
        (SecretEdit::Clear, _) => "Will be cleared on save",
        (SecretEdit::Replace, _) => "New value, saved on save",
        (SecretEdit::Keep, true) => "Set",
        (SecretEdit::Keep, false) => "Not set",
    };
    view! {
        <div class="secret-field">
            <span class="secret-status" role="status">{status}</span>
            <Show when=move || secret.get() == SecretEdit::Replace
                fallback={
                    let id = id.clone();
                    move || view! {
                    <button id=id.clone() type="button" class="button secondary small" disabled=disabled
                        on:click=move |_| { text.set(String::new()); secret.set(SecretEdit::Replace) }>
                        {if is_set { "Replace" } else { "Set value" }}
                    </button>
                }}>
                <input id=id.clone() type="password" autocomplete="new-password" disabled=disabled
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                    aria-describedby=message_id.clone() />
            </Show>
            <Show when=move || is_set && secret.get() != SecretEdit::Clear>
                <button type="button" class="button secondary small" disabled=disabled
                    on:click=move |_| { text.set(String::new()); secret.set(SecretEdit::Clear) }>"Clear"</button>
            </Show>
            <Show when=move || secret.get() != SecretEdit::Keep>
                <button type="button" class="button secondary small" on:click=move |_| { text.set(String::new()); secret.set(SecretEdit::Keep) }>"Undo"</button>
            </Show>
        </div>
    }
    .into_any()
}
