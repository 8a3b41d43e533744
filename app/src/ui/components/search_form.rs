//! The search box of a list page: a plain GET form, so it works before any code has loaded.

use leptos::prelude::*;

/// Sends `q` to `path`; `value` is the search the page was rendered for.
#[component]
pub fn SearchForm(
    #[prop(into)] path: String,
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    value: String,
) -> impl IntoView {
    view! {
        <form method="get" action=path class="search-form" role="search">
            <label for=id class="visually-hidden">{label}</label>
            <input id=id type="search" name="q" placeholder=placeholder value=value />
            <button type="submit" class="button secondary">"Search"</button>
        </form>
    }
}
