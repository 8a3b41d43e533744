//! The Overview tab: details, schema and counts, with Edit and Delete. Rendered on the server;
//! only Delete is an island.

use leptos::prelude::*;

use super::list::{integration_href, INTEGRATIONS_PATH};
use crate::domain::ids::IntegrationId;
use crate::domain::integration::IntegrationView;
use crate::domain::time::format_utc;
use crate::serverfns::integrations::{
    get_integration, get_integration_deletion_impact, DeleteIntegration,
};
use crate::ui::components::dialog::ConfirmServerCall;
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{island_ready, on_demand, sent_with_page, PageQuery};

#[component]
pub fn OverviewTab(name: String, query: PageQuery) -> impl IntoView {
    let saved = query
        .has("saved")
        .then(|| view! { <p class="success" role="status">"Integration saved."</p> });
    view! {
        {saved}
        {when_loaded(get_integration(name), |integration| view! { <Overview integration /> })}
    }
}

#[component]
fn Overview(integration: IntegrationView) -> impl IntoView {
    let edit_href = format!("{}/edit", integration_href(&integration.name));
    // Schema, non-secret defaults and entity ID settings, to import on another server.
    let export_href = format!("{}/definition.json", integration_href(&integration.name));
    let id = integration.id;
    let required = integration.fields.iter().filter(|f| f.required).count();
    view! {
        <dl class="details">
            <dt>"Description"</dt><dd>{non_empty(&integration.description)}</dd>
            <dt>"Entity ID Name"</dt><dd>{non_empty(&integration.entity_id_name)}</dd>
            <dt>"Default Entity ID"</dt><dd>{non_empty(&integration.default_entity_id)}</dd>
            <dt>"Mapped organizations"</dt><dd>{integration.mapped_organizations}</dd>
            <dt>"Schema fields"</dt><dd>{format!("{} ({required} required)", integration.fields.len())}</dd>
            <dt>"Created"</dt><dd>{format_utc(integration.created_at)}</dd>
            <dt>"Last changed"</dt><dd>{format_utc(integration.updated_at)}</dd>
        </dl>
        <h2>"Config Schema"</h2>
        {if integration.fields.is_empty() {
            view! { <p class="muted">"This integration has no config fields."</p> }.into_any()
        } else {
            view! {
                <table class="data-table schema-table">
                    <thead><tr><th scope="col">"Key"</th><th scope="col">"Type"</th><th scope="col">"Required"</th><th scope="col">"Description"</th></tr></thead>
                    <tbody>
                        {integration.fields.iter().map(|field| view! {
                            <tr>
                                <td><code>{field.key.clone()}</code></td>
                                <td>{field.field_type.as_str()}</td>
                                <td>{if field.required { "Yes" } else { "No" }}</td>
                                <td class="muted">{field.description.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <OverviewActions id edit_href export_href />
    }
    .into_any()
}

/// Edit, Export definition and Delete integration, with the confirmation that says what goes
/// with it (its code loads when it first opens).
#[island(lazy)]
fn OverviewActions(id: IntegrationId, edit_href: String, export_href: String) -> impl IntoView {
    island_ready();
    let confirming = RwSignal::new(false);
    view! {
        <div class="form-actions">
            <a href=edit_href class="button">"Edit"</a>
            <a class="button secondary" href=export_href download="">"Export definition"</a>
            <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Delete integration"</button>
        </div>
        {move || confirming.get().then(|| on_demand(confirm_delete_integration(id, confirming)))}
    }
}

#[lazy]
fn confirm_delete_integration(id: IntegrationId, confirming: RwSignal<bool>) -> AnyView {
    view! { <ConfirmDeleteIntegration id confirming /> }.into_any()
}

fn non_empty(text: &str) -> String {
    if text.is_empty() {
        "—".to_string()
    } else {
        text.to_string()
    }
}

#[component]
fn ConfirmDeleteIntegration(id: IntegrationId, confirming: RwSignal<bool>) -> impl IntoView {
    let impact = sent_with_page(move || Resource::new(move || id, get_integration_deletion_impact));
    view! {
        <ConfirmServerCall input=DeleteIntegration { id } labelled_by="confirm-delete-integration"
            confirm_label="Delete integration" then_go_to=INTEGRATIONS_PATH on_close=Callback::new(move |()| confirming.set(false))>
            <Suspense fallback=|| view! { <p class="muted">"Checking what goes with it…"</p> }>
                {move || impact.get().map(|result| match result {
                    Ok(impact) => view! {
                        <p id="confirm-delete-integration"><strong>{format!("Delete the integration “{}”?", impact.name)}</strong></p>
                        <p>{format!(
                            "Its schema, its {} mapping(s) and {} stored value(s) will be deleted with it, and workflows that use it will stop finding it. This cannot be undone.",
                            impact.mappings, impact.values
                        )}</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </ConfirmServerCall>
    }
    .into_any()
}
