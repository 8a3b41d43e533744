//! Text to import: a file the admin picks, read in the browser into a text signal, and the
//! text area that shows it for editing before anything is sent.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A labelled file input; the chosen file's text lands in `into`.
#[component]
pub fn FileTextInput(
    id: &'static str,
    label: &'static str,
    accept: &'static str,
    into: RwSignal<String>,
) -> impl IntoView {
    let on_change = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                if let Some(text) = text.as_string() {
                    into.set(text);
                }
            }
        });
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="file" accept=accept on:change=on_change />
        </div>
    }
}

/// A labelled monospace text area bound to `value`.
#[component]
pub fn CodeTextArea(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows="8" class="code" spellcheck="false"
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))></textarea>
        </div>
    }
}
