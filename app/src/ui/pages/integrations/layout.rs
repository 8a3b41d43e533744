//! The integration page: its name, the tabs (Overview, Configuration, Mappings, OAuth), and the
//! open tab below them. The tabs are links, so each has its own address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map};

use super::list::{integration_href, INTEGRATIONS_PATH};
use crate::domain::integration::IntegrationView;
use crate::error::AppError;
use crate::serverfns::integrations::get_integration;
use crate::ui::islands::{sent_with_page, start_page_island, PageQuery};

/// The integration the open tab is about, shared by the tab's components.
#[derive(Clone, Copy)]
pub struct CurrentIntegration {
    pub view: Resource<Result<IntegrationView, AppError>>,
    /// Bumped when a tab changes the integration, so what the tab shows of it reloads.
    pub changes: RwSignal<u32>,
}

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

/// Starts the island of an integration tab: loads the integration for the tab's components.
pub fn start_tab_island(name: String, query: PageQuery) {
    start_page_island(query);
    let changes = RwSignal::new(0u32);
    let view = sent_with_page(move || {
        Resource::new(
            move || (name.clone(), changes.get()),
            |(name, _)| get_integration(name),
        )
    });
    provide_context(CurrentIntegration { view, changes });
}

/// Renders `body` with the integration once it has loaded, or the error.
pub fn with_integration<V: IntoView + 'static>(
    body: impl Fn(IntegrationView) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let current = expect_context::<CurrentIntegration>();
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || current.view.get().map(|result| match result {
                Ok(integration) => sent_with_page(move || body(integration).into_any()),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}
