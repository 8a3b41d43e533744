//! Dialogs take keyboard focus when they open, so Tab and Escape work from inside them
//! (`autofocus` only applies on page load, not to elements added later).

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
