//! Dialogs take keyboard focus when they open, so Tab and Escape work from inside them
//! (`autofocus` only applies on page load, not to elements added later); the confirmation before
//! a destructive action, and the one that makes a server call.

use leptos::html::ElementType;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use wasm_bindgen::JsCast;

use crate::error::AppError;
use crate::ui::islands::{go_to, reload_page};

const CONTROLS: &str = "input:not([disabled]), select, textarea, button:not([disabled])";

/// Focuses the first control inside `node` once it is in the page; `prefer` (a CSS selector)
/// picks a specific one, such as the Cancel button of a destructive confirmation.
pub fn focus_on_open<E>(node: NodeRef<E>, prefer: Option<&'static str>)
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let Some(container) = node.get() else {
            return;
        };
        let container: &web_sys::Element = container.unchecked_ref();
        let target = prefer
            .and_then(|selector| container.query_selector(selector).ok().flatten())
            .or_else(|| container.query_selector(CONTROLS).ok().flatten());
        if let Some(element) =
            target.and_then(|found| found.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// A confirmation before a destructive action: `children` say what goes (one of them carries the
/// id `labelled_by`), Cancel has the focus, Escape closes it.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] labelled_by: String,
    confirm_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// The action's failure, shown above the buttons.
    #[prop(into)]
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    /// Cancel and Escape call it; the caller removes the dialog.
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    focus_on_open(dialog, Some("button.secondary"));
    view! {
        <div class="confirm" node_ref=dialog role="alertdialog" aria-labelledby=labelled_by
            on:keydown=move |event| if event.key() == "Escape" { on_close.run(()) }>
            {children()}
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <div class="confirm-actions">
                <button type="button" class="button danger" disabled=pending
                    on:click=move |_| on_confirm.run(())>{confirm_label}</button>
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
            </div>
        </div>
    }
    .into_any()
}

/// A [`ConfirmDialog`] whose Confirm calls a server function with `input`. Once the call has
/// succeeded the browser goes to `then_go_to`, or loads the page again when there is none: what
/// it changed is in the HTML the server renders.
#[component]
pub fn ConfirmServerCall<S>(
    input: S,
    #[prop(into)] labelled_by: String,
    confirm_label: &'static str,
    on_close: Callback<()>,
    #[prop(optional)] then_go_to: Option<&'static str>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let call = ServerAction::<S>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = call.value().get() {
            match then_go_to {
                Some(href) => go_to(href),
                None => reload_page(),
            }
        }
    });
    let error = Signal::derive(move || {
        call.value()
            .get()
            .and_then(Result::err)
            .map(|error| error.to_string())
    });
    let on_confirm = Callback::new(move |()| {
        call.dispatch(input.clone());
    });
    view! {
        <ConfirmDialog labelled_by confirm_label pending=call.pending() error on_confirm on_close>
            {children()}
        </ConfirmDialog>
    }
}
