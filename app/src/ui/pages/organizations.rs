//! Settings > Organizations: search, page, create, rename and delete organizations.

use leptos::html;
use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::domain::organization::OrganizationView;
use crate::domain::paging::Paged;
use crate::domain::time::format_utc;
use crate::serverfns::organizations::{
    get_deletion_impact, list_organizations, CreateOrganization, DeleteOrganization,
    RenameOrganization,
};
use crate::ui::components::dialog::{focus_on_open, ConfirmServerCall};
use crate::ui::components::empty_list::{empty_list, empty_message};
use crate::ui::components::form::{action_error, FormError, FormField, SaveOrCancel};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::pagination::pagination_of;
use crate::ui::components::search_form::SearchForm;
use crate::ui::islands::{on_demand, reload_page, start_page_island, ListButton, PageQuery};

const PATH: &str = "/settings/organizations";

/// A row's Rename or Delete, opened from its button.
#[derive(Clone, PartialEq, Eq)]
enum RowAction {
    Rename { id: OrganizationId, name: String },
    Delete { id: OrganizationId },
}

/// Rendered on the server: the searchable, paged list, with Create, Rename and Delete in an island.
#[component]
pub fn OrganizationsPage(query: PageQuery) -> impl IntoView {
    let search = query.search();
    let page = query.page();
    // Pagination keeps the query in its links.
    provide_context(query.clone());
    let list = list_organizations(search.clone(), page);
    view! {
        <h1>"Organizations"</h1>
        <p class="lead">
            "Your customers. The provider organization (★) is your own MSP; it always exists and cannot be deleted."
        </p>
        {when_loaded(list, move |paged| view! {
            <OrganizationsWorkspace query>
                <OrganizationTable paged search />
            </OrganizationsWorkspace>
        })}
    }
}

/// The toolbar, the dialogs, and the server-rendered list (`children`) whose row buttons open them.
#[island(lazy)]
fn OrganizationsWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    let search = query.search();
    start_page_island(query);
    let action = RwSignal::new(None::<RowAction>);
    view! {
        <div class="toolbar">
            <SearchForm path=PATH id="organization-search" label="Search organizations" placeholder="Search by name" value=search />
            <CreateOrganizationForm />
        </div>
        {move || action.get().map(|chosen| on_demand(row_dialog(chosen, action)))}
        // The rows' buttons are rendered by the server; this listener opens what they name.
        <div on:click=move |event| {
            let Some(button) = ListButton::clicked(&event, "data-organization-action") else {
                return;
            };
            let id = button.id();
            action.set(match button.action.as_str() {
                "rename" => Some(RowAction::Rename { id, name: button.data("data-name") }),
                "delete" => Some(RowAction::Delete { id }),
                _ => None,
            });
        }>
            {children()}
        </div>
    }
}

#[component]
fn CreateOrganizationForm() -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    let error = action_error(create);
    // The list is the server's: load the page again to show the new organization.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            reload_page();
        }
    });
    view! {
        <ActionForm action=create attr:class="inline-form" attr:aria-label="Create an organization">
            <FormError error fields=&["name"] />
            <FormField label="New organization" name="name" error />
            <button type="submit" class="button" disabled=create.pending()>"Create organization"</button>
        </ActionForm>
    }
}

#[component]
fn OrganizationTable(paged: Paged<OrganizationView>, search: String) -> impl IntoView {
    let nothing_yet = || {
        empty_message("No organizations yet. Create the first customer organization above.".into())
    };
    let no_match = |search: &str| format!("No organization matches “{search}”.");
    if let Some(empty) = empty_list(&paged, PATH, &search, nothing_yet, no_match) {
        return empty;
    }
    view! {
        <table class="data-table">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Created"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {paged.items.clone().into_iter().map(|organization| view! { <OrganizationRow organization /> }).collect_view()}
            </tbody>
        </table>
        {pagination_of(PATH, &paged)}
    }
    .into_any()
}

#[component]
fn OrganizationRow(organization: OrganizationView) -> impl IntoView {
    let OrganizationView {
        id,
        name,
        is_provider,
        created_at,
    } = organization;
    view! {
        <tr>
            <td>
                <span class="org-name">
                    {is_provider.then(|| view! { <span class="star" title="Provider organization" aria-label="Provider organization">"★ "</span> })}
                    {name.clone()}
                </span>
            </td>
            <td class="muted">{format_utc(created_at)}</td>
            <td class="row-actions">
                <button type="button" class="button secondary small" aria-label=format!("Rename {name}")
                    data-organization-action="rename" data-id=id.get() data-name=name.clone()>"Rename"</button>
                {(!is_provider).then(|| view! {
                    <button type="button" class="button danger small" aria-label=format!("Delete {name}")
                        data-organization-action="delete" data-id=id.get()>"Delete"</button>
                })}
            </td>
        </tr>
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn row_dialog(chosen: RowAction, action: RwSignal<Option<RowAction>>) -> AnyView {
    match chosen {
        RowAction::Rename { id, name } => {
            view! { <RenameDialog id current=name action /> }.into_any()
        }
        RowAction::Delete { id } => view! { <ConfirmDelete id action /> }.into_any(),
    }
}

#[component]
fn RenameDialog(
    id: OrganizationId,
    current: String,
    action: RwSignal<Option<RowAction>>,
) -> impl IntoView {
    let rename = ServerAction::<RenameOrganization>::new();
    let error = action_error(rename);
    Effect::new(move |_| {
        if let Some(Ok(_)) = rename.value().get() {
            reload_page();
        }
    });
    let dialog = NodeRef::<html::Section>::new();
    // The name, not the hidden id before it.
    focus_on_open(dialog, Some("#rename-organization-name"));
    let title = format!("Rename {current}");
    view! {
        <section class="editor-panel" node_ref=dialog role="dialog" aria-labelledby="rename-organization-title"
            on:keydown=move |event| if event.key() == "Escape" { action.set(None) }>
            <h2 id="rename-organization-title">{title}</h2>
            <ActionForm action=rename attr:class="form">
                <input type="hidden" name="id" value=id.get() />
                <FormError error fields=&["name"] />
                <div class="field">
                    <label for="rename-organization-name">"New name"</label>
                    <input id="rename-organization-name" type="text" name="name" value=current autocomplete="off"
                        aria-invalid=move || error.get().is_some().to_string() aria-describedby="rename-organization-message" />
                    <p class="field-message" id="rename-organization-message">
                        {move || error.get().and_then(|e| e.for_field("name").map(str::to_string)).map(|m| view! { <span class="field-error">{m}</span> })}
                    </p>
                </div>
                <SaveOrCancel save_label="Save" pending=rename.pending() on_cancel=Callback::new(move |()| action.set(None)) />
            </ActionForm>
        </section>
    }
}

#[component]
fn ConfirmDelete(id: OrganizationId, action: RwSignal<Option<RowAction>>) -> impl IntoView {
    let impact = Resource::new(move || id, get_deletion_impact);
    view! {
        <ConfirmServerCall input=DeleteOrganization { id } labelled_by="confirm-delete-organization"
            confirm_label="Delete organization" on_close=Callback::new(move |()| action.set(None))>
            <Suspense fallback=|| view! { <p class="muted">"Checking what goes with it…"</p> }>
                {move || impact.get().map(|result| match result {
                    Ok(impact) => view! {
                        <p id="confirm-delete-organization"><strong>{format!("Delete the organization “{}”?", impact.name)}</strong></p>
                        <p>{mapping_sentence(impact.mappings)}" This cannot be undone."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </ConfirmServerCall>
    }
}

fn mapping_sentence(mappings: i64) -> String {
    match mappings {
        0 => "It has no integration mappings.".to_string(),
        1 => "Its 1 integration mapping will be deleted with it.".to_string(),
        n => format!("Its {n} integration mappings will be deleted with it."),
    }
}
