//! The integration page: its name, the tabs (Overview, Configuration, Mappings, OAuth, Entities), and the
//! open tab below them. The tabs are links, so each has its own address. An address that names
//! no integration answers 404 with the not-found page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use super::list::{integration_href, INTEGRATIONS_PATH};
use crate::error::AppError;
use crate::serverfns::integrations::get_integration;
use crate::ui::pages::not_found::NotFoundPage;

const TABS: [(&str, &str); 5] = [
    ("Overview", ""),
    ("Configuration", "/configuration"),
    ("Mappings", "/mappings"),
    ("OAuth", "/oauth"),
    ("Entities", "/entities"),
];

/// The page around a tab. The route renders whole before it is sent (`SsrMode::Async` in
/// `app.rs`), so a missing integration's 404 status reaches the response.
#[component]
pub fn IntegrationLayout(name: String) -> impl IntoView {
    let page = Suspend::new(async move {
        match get_integration(name.clone()).await {
            Err(AppError::NotFound(_)) => view! { <NotFoundPage /> }.into_any(),
            // Another failure shows in the tab, which loads the integration too.
            found => {
                let name = found.map(|integration| integration.name).unwrap_or(name);
                view! { <IntegrationTabs name /> }.into_any()
            }
        }
    });
    view! { <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{page}</Suspense> }
}

#[component]
fn IntegrationTabs(name: String) -> impl IntoView {
    let location = use_location();
    let base = integration_href(&name);
    view! {
        <Title text=name.clone() />
        <p class="breadcrumb"><a href=INTEGRATIONS_PATH>"Integrations"</a>" / "{name.clone()}</p>
        <div class="page-heading">
            <h1>{name.clone()}</h1>
        </div>
        <nav class="tabs" aria-label="Integration">
            {TABS.into_iter().map(|(label, suffix)| {
                let here = format!("{base}{suffix}");
                let current = {
                    let here = here.clone();
                    move || (location.pathname.get() == here).then_some("page")
                };
                view! { <a href=here class="tab" aria-current=current>{label}</a> }
            }).collect_view()}
        </nav>
        <div class="tab-panel">
            <Outlet />
        </div>
    }
    .into_any()
}
