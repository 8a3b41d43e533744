//! Settings > Integrations: every integration with its mapped organizations, searchable, paged.
//! The list renders on the server; the browser gets code only for Import Integration.

use leptos::prelude::*;

use crate::domain::integration::IntegrationSummary;
use crate::domain::paging::Paged;
use crate::serverfns::integrations::{list_integrations, ImportDefinition};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::empty_list::empty_list;
use crate::ui::components::file_text::{CodeTextArea, FileTextInput};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::pagination::pagination_of;
use crate::ui::components::search_form::SearchForm;
use crate::ui::islands::{island_ready, on_demand, PageQuery};

pub const INTEGRATIONS_PATH: &str = "/settings/integrations";

/// The integration page's address.
pub fn integration_href(name: &str) -> String {
    format!("{INTEGRATIONS_PATH}/{name}")
}

/// Rendered on the server; only the heading's Import Integration is an island.
#[component]
pub fn IntegrationsPage(query: PageQuery) -> impl IntoView {
    let search = query.search();
    let page = query.page();
    // Pagination keeps the query in its links.
    provide_context(query);
    let list = list_integrations(search.clone(), page);
    view! {
        <IntegrationsHeading />
        <p class="lead">
            "Each integration names an external API once: its config schema, the defaults, and which tenant or company each customer organization maps to."
        </p>
        <div class="toolbar">
            <SearchForm path=INTEGRATIONS_PATH id="integration-search" label="Search integrations" placeholder="Search by name" value=search.clone() />
        </div>
        {when_loaded(list, move |paged| view! { <IntegrationTable paged search /> })}
    }
}

/// The heading with Create Integration, and Import Integration with its panel.
#[island(lazy)]
fn IntegrationsHeading() -> impl IntoView {
    island_ready();
    let importing = RwSignal::new(false);
    view! {
        <div class="page-heading">
            <h1>"Integrations"</h1>
            <div class="toolbar-actions">
                <a href=format!("{INTEGRATIONS_PATH}/new") class="button">"Create Integration"</a>
                <button type="button" class="button secondary" on:click=move |_| importing.set(true)>"Import Integration"</button>
            </div>
        </div>
        {move || importing.get().then(|| on_demand(import_definition_panel(importing)))}
    }
}

#[component]
fn IntegrationTable(paged: Paged<IntegrationSummary>, search: String) -> impl IntoView {
    let nothing_yet = || {
        view! {
            <div class="empty-state">
                <p><strong>"No integrations yet."</strong></p>
                <p>"Create the first one to connect your automation to an external API such as HaloPSA or Microsoft Graph."</p>
                <a href=format!("{INTEGRATIONS_PATH}/new") class="button">"Create Integration"</a>
            </div>
        }
        .into_any()
    };
    let no_match = |search: &str| format!("No integration matches “{search}”.");
    if let Some(empty) = empty_list(&paged, INTEGRATIONS_PATH, &search, nothing_yet, no_match) {
        return empty;
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
                        <td><a href=integration_href(&integration.name)>{integration.name.clone()}</a></td>
                        <td class="muted">{integration.description.clone()}</td>
                        <td>{integration.mapped_organizations}</td>
                        <td>{match integration.oauth_connection.clone() {
                            Some(connection) => {
                                let state = integration.oauth_state.unwrap_or(crate::domain::oauth::TokenState::NotConnected);
                                view! { <span>{connection}" · "<span class="muted">{state.label()}</span></span> }.into_any()
                            }
                            None => view! { <span class="badge muted-badge">"Not configured"</span> }.into_any(),
                        }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {pagination_of(INTEGRATIONS_PATH, &paged)}
    }
    .into_any()
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn import_definition_panel(open: RwSignal<bool>) -> AnyView {
    view! { <ImportDefinitionPanel open /> }.into_any()
}

/// Create an integration from a definition exported on another server.
#[component]
fn ImportDefinitionPanel(open: RwSignal<bool>) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Section>::new();
    focus_on_open(dialog, None);
    let definition = RwSignal::new(String::new());
    let import = ServerAction::<ImportDefinition>::new();
    view! {
        <section class="editor-panel" node_ref=dialog role="dialog" aria-labelledby="import-definition-title"
            on:keydown=move |event| if event.key() == "Escape" { open.set(false) }>
            <h2 id="import-definition-title">"Import Integration"</h2>
            <p class="muted">"A definition exported with Export definition: the schema, non-secret defaults and entity ID settings. Secrets are never exported; you fill them in afterwards."</p>
            <FileTextInput id="import-definition-file" label="Definition file" accept=".json,application/json" into=definition />
            <CodeTextArea id="import-definition-text" label="Definition (JSON)" value=definition />
            {move || import.value().get().map(|result| match result {
                Ok(imported) => {
                    let href = format!("{}/configuration", integration_href(&imported.name));
                    let secrets = if imported.secrets_to_fill.is_empty() {
                        "It has no secrets to fill in.".to_string()
                    } else {
                        format!("Fill in its secrets: {}.", imported.secrets_to_fill.join(", "))
                    };
                    view! {
                        <p class="success" role="status">{format!("{} imported. {secrets} ", imported.name)}
                            <a href=href>"Open its Configuration"</a></p>
                    }.into_any()
                }
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <div class="form-actions">
                <button type="button" class="button" disabled=import.pending()
                    on:click=move |_| { import.dispatch(ImportDefinition { definition: definition.get_untracked() }); }>"Import"</button>
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </section>
    }
    .into_any()
}
