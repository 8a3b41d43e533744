//! A page's heading with the button that opens its main dialog (New connection, Add administrator).

use leptos::prelude::*;

#[component]
pub fn PageHeading(
    title: &'static str,
    button_label: &'static str,
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="page-heading">
            <h1>{title}</h1>
            <button type="button" class="button" on:click=move |_| on_click.run(())>{button_label}</button>
        </div>
    }
}
