//! Settings > Organizations: search, page, create, rename and delete organizations.

use leptos::html;
use leptos::prelude::*;

use crate::domain::organization::OrganizationView;
use crate::domain::paging::Paged;
use crate::domain::time::format_utc;
use crate::serverfns::organizations::{
    get_deletion_impact, list_organizations, CreateOrganization, DeleteOrganization,
    RenameOrganization,
};
use crate::ui::components::dialog::ConfirmDialog;
use crate::ui::components::form::{FormError, FormField};
use crate::ui::components::pagination::{use_list_query, Pagination};
use crate::ui::islands::{sent_with_page, start_page_island, PageQuery};

const PATH: &str = "/settings/organizations";

#[island(lazy)]
pub fn OrganizationsPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let (search, page) = use_list_query();
    // Bumped after every change, so the list reloads.
    let changes = RwSignal::new(0u32);
    let organizations = sent_with_page(move || {
        Resource::new(
            move || (search.get(), page.get(), changes.get()),
            |(search, page, _)| list_organizations(search, page),
        )
    });

    view! {
        <h1>"Organizations"</h1>
        <p class="lead">
            "Your customers. The provider organization (★) is your own MSP; it always exists and cannot be deleted."
        </p>
        <div class="toolbar">
            <form method="get" action=PATH class="search-form" role="search">
                <label for="organization-search" class="visually-hidden">"Search organizations"</label>
                <input id="organization-search" type="search" name="q" placeholder="Search by name" value=search />
                <button type="submit" class="button secondary">"Search"</button>
            </form>
            <CreateOrganizationForm changes />
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading organizations…"</p> }>
            {move || organizations.get().map(|result| match result {
                Ok(paged) => view! { <OrganizationTable paged search=search.get() changes /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CreateOrganizationForm(changes: RwSignal<u32>) -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            changes.update(|n| *n += 1);
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <ActionForm action=create node_ref=form attr:class="inline-form" attr:aria-label="Create an organization">
            <FormError error fields=&["name"] />
            <FormField label="New organization" name="name" error />
            <button type="submit" class="button" disabled=create.pending()>"Create organization"</button>
        </ActionForm>
    }
}

#[component]
fn OrganizationTable(
    paged: Paged<OrganizationView>,
    search: String,
    changes: RwSignal<u32>,
) -> impl IntoView {
    if paged.items.is_empty() {
        let message = if search.trim().is_empty() {
            "No organizations yet. Create the first customer organization above.".to_string()
        } else {
            format!("No organization matches “{}”.", search.trim())
        };
        return view! { <div class="empty-state"><p>{message}</p></div> }.into_any();
    }
    view! {
        <table class="data-table">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Created"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {paged
                    .items
                    .clone()
                    .into_iter()
                    .map(|organization| view! { <OrganizationRow organization changes /> }.into_any())
                    .collect_view()}
            </tbody>
        </table>
        <Pagination path=PATH label=paged.range_label() page=paged.page page_count=paged.page_count() />
    }
    .into_any()
}

#[component]
fn OrganizationRow(organization: OrganizationView, changes: RwSignal<u32>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let OrganizationView {
        id,
        name,
        is_provider,
        created_at,
    } = organization;
    let display_name = name.clone();
    let rename_label = format!("Rename {name}");
    let delete_label = format!("Delete {name}");
    view! {
        <tr>
            <td>
                <Show when=move || editing.get() fallback=move || view! {
                    <span class="org-name">
                        {is_provider.then(|| view! { <span class="star" title="Provider organization" aria-label="Provider organization">"★ "</span> })}
                        {display_name.clone()}
                    </span>
                }>
                    <RenameForm id current=name.clone() editing changes />
                </Show>
            </td>
            <td class="muted">{format_utc(created_at)}</td>
            <td class="row-actions">
                <button type="button" class="button secondary small" on:click=move |_| editing.set(true)
                    aria-label=rename_label>"Rename"</button>
                {(!is_provider).then(|| view! {
                    <button type="button" class="button danger small" on:click=move |_| confirming.set(true)
                        aria-label=delete_label.clone()>"Delete"</button>
                })}
            </td>
        </tr>
        <Show when=move || confirming.get()>
            <tr class="confirm-row"><td colspan="3"><ConfirmDelete id confirming changes /></td></tr>
        </Show>
    }
}

#[component]
fn RenameForm(
    id: i64,
    current: String,
    editing: RwSignal<bool>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let rename = ServerAction::<RenameOrganization>::new();
    let error = Signal::derive(move || rename.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = rename.value().get() {
            editing.set(false);
            changes.update(|n| *n += 1);
        }
    });
    let message = Signal::derive(move || {
        error.get().map(|e| {
            e.for_field("name")
                .map_or_else(|| e.to_string(), str::to_string)
        })
    });
    view! {
        <ActionForm action=rename attr:class="rename-form">
            <input type="hidden" name="id" value=id />
            <label for=format!("rename-{id}") class="visually-hidden">"New name"</label>
            <input id=format!("rename-{id}") type="text" name="name" value=current autofocus=true
                aria-invalid=move || message.get().is_some().to_string() />
            <button type="submit" class="button small">"Save"</button>
            <button type="button" class="button secondary small" on:click=move |_| editing.set(false)>"Cancel"</button>
            <p class="field-message">{move || message.get().map(|m| view! { <span class="field-error">{m}</span> })}</p>
        </ActionForm>
    }
}

#[component]
fn ConfirmDelete(id: i64, confirming: RwSignal<bool>, changes: RwSignal<u32>) -> impl IntoView {
    let impact = sent_with_page(move || Resource::new(move || id, get_deletion_impact));
    let delete = ServerAction::<DeleteOrganization>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            confirming.set(false);
            changes.update(|n| *n += 1);
        }
    });
    let heading = format!("confirm-delete-{id}");
    let labelled_by = heading.clone();
    view! {
        <ConfirmDialog labelled_by=labelled_by confirm_label="Delete organization" pending=delete.pending()
            error=Signal::derive(move || delete.value().get().and_then(Result::err).map(|error| error.to_string()))
            on_confirm=Callback::new(move |()| { delete.dispatch(DeleteOrganization { id }); }) open=confirming>
            <Suspense fallback=|| view! { <p class="muted">"Checking what goes with it…"</p> }>
                {move || impact.get().map(|result| match result {
                    Ok(impact) => view! {
                        <p id=heading.clone()><strong>{format!("Delete the organization “{}”?", impact.name)}</strong></p>
                        <p>{mapping_sentence(impact.mappings)}" This cannot be undone."</p>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </ConfirmDialog>
    }
}

fn mapping_sentence(mappings: i64) -> String {
    match mappings {
        0 => "It has no integration mappings.".to_string(),
        1 => "Its 1 integration mapping will be deleted with it.".to_string(),
        n => format!("Its {n} integration mappings will be deleted with it."),
    }
}
