//! The integration page: its name, the tabs (Overview, Configuration, Mappings, OAuth), and the
//! open tab below them. The tabs are links, so each has its own address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map};

use super::list::{integration_href, INTEGRATIONS_PATH};

#[component]
pub fn IntegrationLayout() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
    let location = use_location();
    let tabs = [
        ("Overview", ""),
        ("Configuration", "/configuration"),
        ("Mappings", "/mappings"),
        ("OAuth", "/oauth"),
    ];
    view! {
        <Title text=move || name.get() />
        <p class="breadcrumb"><a href=INTEGRATIONS_PATH>"Integrations"</a>" / "{move || name.get()}</p>
        <div class="page-heading">
            <h1>{move || name.get()}</h1>
        </div>
        <nav class="tabs" aria-label="Integration">
            {tabs.into_iter().map(|(label, suffix)| {
                let href = move || format!("{}{suffix}", integration_href(&name.get()));
                let current = move || {
                    let path = location.pathname.get();
                    let here = format!("{}{suffix}", integration_href(&name.get()));
                    (path == here).then_some("page")
                };
                view! { <a href=href class="tab" aria-current=current>{label}</a> }
            }).collect_view()}
        </nav>
        <div class="tab-panel">
            <Outlet />
        </div>
    }
    .into_any()
}
