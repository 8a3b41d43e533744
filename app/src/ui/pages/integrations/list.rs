//! Settings > Integrations: every integration with its mapped organizations, searchable, paged.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use crate::domain::integration::IntegrationSummary;
use crate::domain::paging::Paged;
use crate::serverfns::integrations::list_integrations;
use crate::ui::components::pagination::{use_list_query, Pagination};

pub const INTEGRATIONS_PATH: &str = "/settings/integrations";

/// The integration page's address.
pub fn integration_href(name: &str) -> String {
    format!("{INTEGRATIONS_PATH}/{name}")
}

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let (search, page) = use_list_query();
    let integrations = Resource::new(
        move || (search.get(), page.get()),
        |(search, page)| list_integrations(search, page),
    );
    view! {
        <Title text="Integrations" />
        <div class="page-heading">
            <h1>"Integrations"</h1>
            <A href=format!("{INTEGRATIONS_PATH}/new") attr:class="button">"Create Integration"</A>
        </div>
        <p class="lead">
            "Each integration names an external API once: its config schema, the defaults, and which tenant or company each customer organization maps to."
        </p>
        <div class="toolbar">
            <Form method="GET" action=INTEGRATIONS_PATH attr:class="search-form" attr:role="search">
                <label for="integration-search" class="visually-hidden">"Search integrations"</label>
                <input id="integration-search" type="search" name="q" placeholder="Search by name" value=search />
                <button type="submit" class="button secondary">"Search"</button>
            </Form>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading integrations…"</p> }>
            {move || integrations.get().map(|result| match result {
                Ok(paged) => view! { <IntegrationTable paged search=search.get() /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn IntegrationTable(paged: Paged<IntegrationSummary>, search: String) -> impl IntoView {
    if paged.items.is_empty() {
        if search.trim().is_empty() {
            return view! {
                <div class="empty-state">
                    <p><strong>"No integrations yet."</strong></p>
                    <p>"Create the first one to connect your automation to an external API such as HaloPSA or Microsoft Graph."</p>
                    <A href=format!("{INTEGRATIONS_PATH}/new") attr:class="button">"Create Integration"</A>
                </div>
            }
            .into_any();
        }
        let message = format!("No integration matches “{}”.", search.trim());
        return view! { <div class="empty-state"><p>{message}</p></div> }.into_any();
    }
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Mapped organizations"</th>
                    <th scope="col">"OAuth"</th>
                </tr>
            </thead>
            <tbody>
                {paged.items.clone().into_iter().map(|integration| view! {
                    <tr>
                        <td><A href=integration_href(&integration.name)>{integration.name.clone()}</A></td>
                        <td class="muted">{integration.description.clone()}</td>
                        <td>{integration.mapped_organizations}</td>
                        <td><span class="badge muted-badge">"Not configured"</span></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <Pagination path=INTEGRATIONS_PATH label=paged.range_label() page=paged.page page_count=paged.page_count() />
    }
    .into_any()
}
