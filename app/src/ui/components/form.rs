//! Labelled form fields that show the server's message for their field, and the form-level
//! message for everything else.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// One labelled input. `error` is the form's last error; the field shows it when it names `name`.
#[component]
pub fn FormField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
    /// The input's id when two forms on a page share a field name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let described_by = format!("{id}-message");
    let message = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.for_field(name).map(str::to_string))
    });
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=input_type
                name=name
                autocomplete=autocomplete
                autofocus=autofocus
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described_by.clone()
            />
            <p class="field-message" id=described_by>{message_or_hint(message, hint)}</p>
        </div>
    }
}

/// Errors that belong to no field of this form (conflicts, server trouble).
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| !fields.iter().any(|field| e.for_field(field).is_some()))
            .map(|e| e.to_string())
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="error" role="alert">{message}</p>
        </Show>
    }
}

/// A labelled input bound to a signal, for forms sent as one structured value; `error` is the
/// server's message for this field, shown in place of the hint.
#[component]
pub fn BoundField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    hint: &'static str,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=input_type autocomplete="off"
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=message_id.clone() />
            <p class="field-message" id=message_id>{message_or_hint(error, hint)}</p>
        </div>
    }
    .into_any()
}

/// What a field's message box shows: the server's message for the field, or `hint` while there
/// is none.
pub fn message_or_hint<H>(message: Signal<Option<String>>, hint: H) -> impl IntoView
where
    H: IntoView + Clone + Send + Sync + 'static,
{
    move || match message.get() {
        Some(message) => view! { <span class="field-error">{message}</span> }.into_any(),
        None => view! { <span class="muted">{hint.clone()}</span> }.into_any(),
    }
}

/// A labelled checkbox bound to a signal.
#[component]
pub fn CheckboxField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    checked: RwSignal<bool>,
    /// Greyed out while it has no effect.
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="checkbox-field">
            <input id=id.clone() type="checkbox" disabled=disabled
                prop:checked=move || checked.get()
                on:change=move |event| checked.set(event_target_checked(&event)) />
            <label for=id>{label}</label>
        </div>
    }
}

/// A dialog form's buttons: submit (disabled while `pending`) and Cancel.
#[component]
pub fn SaveOrCancel(
    save_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="button" disabled=pending>{save_label}</button>
            <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </div>
    }
}

/// The last failure of `action`, for the [`FormField`]s and the [`FormError`] of its form.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// A form's submit button, saying `busy` instead of `label` while the form is being sent.
#[component]
pub fn PendingButton(
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    busy: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class="button" disabled=pending>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// The server's message for `field` in a form's last error.
pub fn field_message(
    error: RwSignal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.for_field(field).map(str::to_string))
    })
}

/// A form's last error when it is about no field in particular (a conflict, the server failing);
/// field errors show beside their fields.
#[component]
pub fn NonFieldError(error: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !e.is_about_fields())
            .map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })
    }
}

/// For forms the server renders: shows `message` in the `.field-error` of `shown` (a field's
/// message box) in place of its `.muted` hint, or the hint again when there is none, and marks
/// `control` invalid or not.
pub fn show_field_message(
    shown: &web_sys::Element,
    control: Option<web_sys::Element>,
    message: Option<&str>,
) {
    if let Some(control) = control {
        let _ = control.set_attribute("aria-invalid", &message.is_some().to_string());
    }
    let find = |selector: &str| shown.query_selector(selector).ok().flatten();
    if let Some(error) = find(".field-error") {
        error.set_text_content(message);
        let _ = if message.is_some() {
            error.remove_attribute("hidden")
        } else {
            error.set_attribute("hidden", "")
        };
    }
    if let Some(hint) = find(".muted") {
        let _ = if message.is_some() {
            hint.set_attribute("hidden", "")
        } else {
            hint.remove_attribute("hidden")
        };
    }
}
