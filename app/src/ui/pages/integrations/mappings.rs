//! The Mappings tab: which tenant or company each organization is in the external system, and
//! the organization's overrides. Searchable and paged on the server for thousands of rows.
//!
//! The list renders on the server. The island around it holds the toolbar and the dialogs (the
//! editor, the CSV import, the delete confirmation), whose code loads when one first opens; the
//! rows' buttons, plain HTML, open them through one listener. A change loads the page again.

use leptos::prelude::*;

use super::list::integration_href;
use super::mapping_import::MappingImportPanel;
use super::mapping_token::{MappingTokenCell, MappingTokenLink};
use super::oauth::CallbackMessage;
use super::values::{ValueInputs, ValueState};
use crate::domain::integration::{
    FieldType, FieldValueView, IntegrationView, MappingDraft, MappingSummary, OrganizationChoice,
};
use crate::domain::paging::Paged;
use crate::error::AppError;
use crate::serverfns::integrations::get_integration;
use crate::serverfns::mappings::{
    get_mapping, get_new_mapping_values, list_mappings, list_unmapped_organizations, CreateMapping,
    DeleteMapping, UpdateMapping,
};
use crate::serverfns::oauth::{adopt_detected_entity_id, start_oauth_connect};
use crate::ui::components::dialog::{focus_on_open, ConfirmDialog};
use crate::ui::components::form::{field_message, NonFieldError};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::pagination::Pagination;
use crate::ui::islands::{
    clicked_button, go_to, on_demand, reload_page, sent_with_page, start_page_island,
    use_page_query, PageQuery,
};

/// Which editor is open: a new mapping, or an existing one.
#[derive(Clone, PartialEq, Eq)]
enum Editing {
    /// A new mapping, for the organization given or one to choose.
    New(Option<OrganizationChoice>),
    Existing(i64),
}

/// What the tab's table, island and editor need of the integration (so the island's props stay
/// small: their code to read them ships with the page).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct MappingsSetup {
    integration_id: i64,
    name: String,
    entity_label: String,
    with_oauth: bool,
    /// The CSV columns after `entity_name`: the non-secret fields.
    csv_columns: String,
}

impl MappingsSetup {
    fn of(integration: &IntegrationView) -> Self {
        Self {
            integration_id: integration.id,
            name: integration.name.clone(),
            entity_label: integration.entity_label().to_string(),
            with_oauth: integration.oauth_connection.is_some(),
            csv_columns: integration
                .fields
                .iter()
                .filter(|field| field.field_type != FieldType::Secret)
                .map(|field| format!(",{}", field.key))
                .collect(),
        }
    }
}

/// The mapping whose deletion awaits confirmation.
#[derive(Clone, PartialEq, Eq)]
struct DeleteTarget {
    mapping_id: i64,
    organization: String,
    overrides: i64,
}

#[component]
pub fn MappingsTab(name: String, query: PageQuery) -> impl IntoView {
    let search = query.search();
    let page = query.page();
    // The callback message and the pagination read the query.
    provide_context(query.clone());
    let load = async move {
        let integration = get_integration(name).await?;
        let mappings = list_mappings(integration.id, search, page).await?;
        let unmapped = list_unmapped_organizations(integration.id, String::new()).await?;
        Ok::<_, AppError>((integration, mappings, unmapped))
    };
    view! {
        <CallbackMessage />
        {when_loaded(load, move |(integration, mappings, unmapped)| {
            let search = query.search();
            let setup = MappingsSetup::of(&integration);
            view! {
                <MappingsWorkspace setup=setup.clone() query>
                    <MappingTable paged=mappings search setup />
                    <UnmappedOrganizations paged=unmapped />
                </MappingsWorkspace>
            }
        })}
    }
}

/// The toolbar, the dialogs, and the server-rendered list (`children`) with its buttons.
#[island(lazy)]
fn MappingsWorkspace(setup: MappingsSetup, query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let search = use_page_query().search();
    let editing = RwSignal::new(None::<Editing>);
    let deleting = RwSignal::new(None::<DeleteTarget>);
    let importing = RwSignal::new(false);
    let list_error = RwSignal::new(None::<String>);
    let id = setup.integration_id;
    let path = mappings_href(&setup.name);
    let export_href = format!("{}/mappings.csv", integration_href(&setup.name));
    let csv_columns = setup.csv_columns.clone();
    let setup = StoredValue::new(setup);
    view! {
        <div class="toolbar">
            <form method="get" action=path class="search-form" role="search">
                <label for="mapping-search" class="visually-hidden">"Search mappings"</label>
                <input id="mapping-search" type="search" name="q" placeholder="Search organization or entity ID" value=search />
                <button type="submit" class="button secondary">"Search"</button>
            </form>
            <div class="toolbar-actions">
                <button type="button" class="button" on:click=move |_| editing.set(Some(Editing::New(None)))>"Add Mapping"</button>
                <button type="button" class="button secondary" on:click=move |_| importing.set(true)>"Import CSV"</button>
                <a class="button secondary" href=export_href download="">"Export CSV"</a>
            </div>
        </div>
        {move || importing.get().then(|| on_demand(mapping_import_panel(id, csv_columns.clone(), importing)))}
        {move || editing.get().map(|mode| on_demand(mapping_editor(setup.get_value(), mode, editing)))}
        {move || deleting.get().map(|target| on_demand(confirm_delete_mapping(id, target, deleting)))}
        {move || list_error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        // The rows' buttons are rendered by the server; one listener here does what they name.
        <div class="mappings-list" on:click=move |event| on_list_click(&event, id, editing, deleting, list_error)>
            {children()}
        </div>
    }
}

/// A click on a button of the list: the button names what it does in `data-mapping-action`
/// (`edit`, `delete`, `map`, `connect` or `adopt`), with the mapping or organization in its other
/// data attributes.
fn on_list_click(
    event: &leptos::ev::MouseEvent,
    integration_id: i64,
    editing: RwSignal<Option<Editing>>,
    deleting: RwSignal<Option<DeleteTarget>>,
    list_error: RwSignal<Option<String>>,
) {
    let Some(button) = clicked_button(event, "button[data-mapping-action]") else {
        return;
    };
    let data = |name: &str| button.get_attribute(name).unwrap_or_default();
    let id = data("data-id").parse::<i64>().unwrap_or(0);
    match data("data-mapping-action").as_str() {
        "edit" => editing.set(Some(Editing::Existing(id))),
        "delete" => deleting.set(Some(DeleteTarget {
            mapping_id: id,
            organization: data("data-organization"),
            overrides: data("data-overrides").parse().unwrap_or(0),
        })),
        "map" => editing.set(Some(Editing::New(Some(OrganizationChoice {
            id,
            name: data("data-organization"),
        })))),
        action @ ("connect" | "adopt") => run_from_list(
            button,
            list_error,
            run_token_action(action.to_string(), integration_id, id),
        ),
        _ => {}
    }
}

/// Connect (the browser goes on to the provider, which comes back to this tab) and Use it.
/// Their code loads on first use.
#[lazy]
async fn run_token_action(
    action: String,
    integration_id: i64,
    mapping_id: i64,
) -> Result<(), AppError> {
    if action == "connect" {
        start_oauth_connect(integration_id, Some(mapping_id))
            .await
            .map(|url| go_to(&url))
    } else {
        adopt_detected_entity_id(integration_id, mapping_id)
            .await
            .map(|()| reload_page())
    }
}

/// Runs a button's server call, the button disabled meanwhile; a failure is shown above the list.
fn run_from_list(
    button: web_sys::Element,
    list_error: RwSignal<Option<String>>,
    call: impl std::future::Future<Output = Result<(), AppError>> + 'static,
) {
    list_error.set(None);
    let _ = button.set_attribute("disabled", "");
    leptos::task::spawn_local(async move {
        if let Err(error) = call.await {
            let _ = button.remove_attribute("disabled");
            list_error.set(Some(error.to_string()));
        }
    });
}

fn mappings_href(name: &str) -> String {
    format!("{}/mappings", integration_href(name))
}

/// How many unmapped organizations are named on the tab; the rest are found by searching.
const UNMAPPED_SHOWN: usize = 10;

/// Organizations without a mapping: nothing is configured for their own keys until mapped; a
/// provider key asking for them gets the global scope.
#[component]
fn UnmappedOrganizations(paged: Paged<OrganizationChoice>) -> impl IntoView {
    let body = if paged.total == 0 {
        view! { <p class="muted">"Every organization is mapped."</p> }.into_any()
    } else {
        let more = (paged.total - UNMAPPED_SHOWN as i64).max(0);
        view! {
            <p class="muted">{format!(
                "{} organization(s) have no mapping. Their own API keys get “not configured” for this integration; \
                 provider keys asking for them get the defaults, the Default Entity ID and the shared token.",
                paged.total
            )}</p>
            <ul class="unmapped-list">
                {paged.items.into_iter().take(UNMAPPED_SHOWN).map(|choice| view! {
                    <li>
                        <span>{choice.name.clone()}</span>
                        <button type="button" class="button secondary small" aria-label=format!("Map {}", choice.name)
                            data-mapping-action="map" data-id=choice.id data-organization=choice.name>"Map"</button>
                    </li>
                }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="muted">{format!("…and {more} more; find them with Add Mapping.")}</p> })}
        }
        .into_any()
    };
    view! {
        <section class="unmapped" aria-labelledby="unmapped-title">
            <h2 id="unmapped-title">"Unmapped organizations"</h2>
            {body}
        </section>
    }
}

#[component]
fn MappingTable(
    paged: Paged<MappingSummary>,
    search: String,
    setup: MappingsSetup,
) -> impl IntoView {
    let path = mappings_href(&setup.name);
    if paged.items.is_empty() && paged.total > 0 {
        // A stale page number, or the last row of the last page just went.
        return view! {
            <div class="empty-state">
                <p>"This page is past the end of the list."</p>
                <a href=path>"Go to the first page"</a>
            </div>
        }
        .into_any();
    }
    if paged.items.is_empty() {
        let message = if search.trim().is_empty() {
            "No organization is mapped yet. Add Mapping links a customer organization to its tenant or company.".to_string()
        } else {
            format!("No mapping matches “{}”.", search.trim())
        };
        return view! { <div class="empty-state"><p>{message}</p></div> }.into_any();
    }
    let MappingsSetup {
        entity_label,
        with_oauth,
        ..
    } = setup;
    let pages = view! {
        <Pagination path label=paged.range_label() page=paged.page page_count=paged.page_count() />
    };
    view! {
        <table class="data-table mappings-table">
            <thead>
                <tr>
                    <th scope="col">"Organization"</th>
                    <th scope="col">{entity_label}</th>
                    <th scope="col">"Entity name"</th>
                    <th scope="col">"Overrides"</th>
                    <th scope="col">"Status"</th>
                    {with_oauth.then(|| view! { <th scope="col">"OAuth token"</th> })}
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {paged.items.into_iter().map(|mapping| view! {
                    <MappingRow mapping with_oauth />
                }).collect_view()}
            </tbody>
        </table>
        {pages}
    }
    .into_any()
}

#[component]
fn MappingRow(mapping: MappingSummary, with_oauth: bool) -> impl IntoView {
    let status = if mapping.missing_required.is_empty() {
        view! { <span class="badge ok-badge">"Complete"</span> }.into_any()
    } else {
        view! { <span class="badge warning-badge">{format!("Missing: {}", mapping.missing_required.join(", "))}</span> }.into_any()
    };
    view! {
        <tr>
            <td>{mapping.organization_name.clone()}</td>
            <td><code>{mapping.entity_id.clone()}</code></td>
            <td class="muted">{mapping.entity_name.clone()}</td>
            <td>{mapping.override_count}</td>
            <td>{status}</td>
            {with_oauth.then(|| view! { <MappingTokenCell mapping=mapping.clone() /> })}
            <td class="row-actions">
                <button type="button" class="button secondary small" aria-label=format!("Edit mapping of {}", mapping.organization_name)
                    data-mapping-action="edit" data-id=mapping.id>"Edit"</button>
                <button type="button" class="button danger small" aria-label=format!("Delete mapping of {}", mapping.organization_name)
                    data-mapping-action="delete" data-id=mapping.id data-organization=mapping.organization_name.clone()
                    data-overrides=mapping.override_count>"Delete"</button>
            </td>
        </tr>
    }
}

// The dialogs below open on a click; their code loads then, not with the page.

#[lazy]
fn mapping_import_panel(integration_id: i64, columns: String, open: RwSignal<bool>) -> AnyView {
    view! { <MappingImportPanel integration_id columns open /> }.into_any()
}

#[lazy]
fn mapping_editor(
    setup: MappingsSetup,
    mode: Editing,
    editing: RwSignal<Option<Editing>>,
) -> AnyView {
    view! { <MappingEditor setup mode editing /> }.into_any()
}

#[lazy]
fn confirm_delete_mapping(
    integration_id: i64,
    target: DeleteTarget,
    deleting: RwSignal<Option<DeleteTarget>>,
) -> AnyView {
    view! { <ConfirmDeleteMapping integration_id target deleting /> }.into_any()
}

#[component]
fn ConfirmDeleteMapping(
    integration_id: i64,
    target: DeleteTarget,
    deleting: RwSignal<Option<DeleteTarget>>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteMapping>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            reload_page();
        }
    });
    let DeleteTarget {
        mapping_id,
        organization,
        overrides,
    } = target;
    let title = format!("confirm-delete-mapping-{mapping_id}");
    let labelled_by = title.clone();
    view! {
        <ConfirmDialog labelled_by=labelled_by confirm_label="Delete mapping" pending=delete.pending()
            error=Signal::derive(move || delete.value().get().and_then(Result::err).map(|error| error.to_string()))
            on_confirm=Callback::new(move |()| { delete.dispatch(DeleteMapping { integration_id, mapping_id }); }) on_close=Callback::new(move |()| deleting.set(None))>
            <p id=title><strong>{format!("Delete the mapping of “{organization}”?")}</strong></p>
            <p>{format!("Its {overrides} override(s) go with it; the organization falls back to the defaults and the default entity ID.")}</p>
        </ConfirmDialog>
    }
}

/// What the editor starts from.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct EditorStart {
    organization: Option<(i64, String)>,
    entity_id: String,
    entity_name: String,
    values: Vec<FieldValueView>,
    oauth_token_id: Option<i64>,
}

#[component]
fn MappingEditor(
    setup: MappingsSetup,
    mode: Editing,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let integration_id = setup.integration_id;
    let source = mode.clone();
    let start =
        sent_with_page(move || {
            Resource::new(
                move || source.clone(),
                move |mode| async move {
                    match mode {
                        Editing::New(preselected) => get_new_mapping_values(integration_id)
                            .await
                            .map(|values| EditorStart {
                                organization: preselected.map(|choice| (choice.id, choice.name)),
                                entity_id: String::new(),
                                entity_name: String::new(),
                                values,
                                oauth_token_id: None,
                            }),
                        Editing::Existing(mapping_id) => get_mapping(integration_id, mapping_id)
                            .await
                            .map(|mapping| EditorStart {
                                organization: Some((
                                    mapping.organization_id,
                                    mapping.organization_name,
                                )),
                                entity_id: mapping.entity_id,
                                entity_name: mapping.entity_name,
                                values: mapping.values,
                                oauth_token_id: mapping.oauth_token_id,
                            }),
                    }
                },
            )
        });
    let title = if matches!(mode, Editing::New(_)) {
        "Add Mapping"
    } else {
        "Edit Mapping"
    };
    let entity_label = setup.entity_label;
    let token_mapping = match mode {
        Editing::Existing(id) if setup.with_oauth => Some(id),
        _ => None,
    };
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="mapping-editor-title"
            on:keydown=move |event| if event.key() == "Escape" { editing.set(None) }>
            <h2 id="mapping-editor-title">{title}</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || start.get().map(|result| match result {
                    Ok(start) => {
                        let linked = start.oauth_token_id;
                        let organization_id = start.organization.as_ref().map_or(0, |(id, _)| *id);
                        view! {
                            {token_mapping.map(|mapping_id| view! { <MappingTokenLink integration_id mapping_id organization_id linked /> })}
                            <MappingForm integration_id mode=mode.clone() start entity_label=entity_label.clone() editing />
                        }.into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn MappingForm(
    integration_id: i64,
    mode: Editing,
    start: EditorStart,
    entity_label: String,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    // The editor's content arrives after it opens; focus it when it does.
    let form = NodeRef::<leptos::html::Form>::new();
    focus_on_open(form, None);
    let organization_id = RwSignal::new(start.organization.as_ref().map(|(id, _)| *id));
    let entity_id = RwSignal::new(start.entity_id.clone());
    let entity_name = RwSignal::new(start.entity_name.clone());
    let states: Vec<ValueState> = start.values.into_iter().map(ValueState::new).collect();
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateMapping>::new();
    let update = ServerAction::<UpdateMapping>::new();
    Effect::new(
        move |_| match create.value().get().or_else(|| update.value().get()) {
            Some(Ok(_)) => reload_page(),
            Some(Err(failure)) => error.set(Some(failure)),
            None => {}
        },
    );
    let to_send = states.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let draft = MappingDraft {
            organization_id: organization_id.get_untracked().unwrap_or(0),
            entity_id: entity_id.get_untracked(),
            entity_name: entity_name.get_untracked(),
            overrides: to_send.iter().map(|state| state.to_input(true)).collect(),
        };
        match &mode {
            Editing::New(_) => {
                create.dispatch(CreateMapping {
                    integration_id,
                    draft,
                });
            }
            Editing::Existing(mapping_id) => {
                update.dispatch(UpdateMapping {
                    integration_id,
                    mapping_id: *mapping_id,
                    draft,
                });
            }
        }
    };
    let organization_message = field_message(error, "organization_id");
    let entity_message = field_message(error, "entity_id");
    let name_message = field_message(error, "entity_name");
    view! {
        <form class="mapping-form" node_ref=form novalidate=true on:submit=submit>
            <NonFieldError error />
            {match start.organization.clone() {
                Some((_, name)) => view! {
                    <p><strong>"Organization: "</strong>{name}</p>
                }.into_any(),
                None => view! { <OrganizationPicker integration_id organization_id message=organization_message /> }.into_any(),
            }}
            <div class="field">
                <label for="mapping-entity-id">{entity_label}</label>
                <input id="mapping-entity-id" type="text" autocomplete="off" required=true
                    prop:value=move || entity_id.get()
                    on:input=move |event| entity_id.set(event_target_value(&event))
                    aria-invalid=move || entity_message.get().is_some().to_string() />
                <p class="field-message">{move || match entity_message.get() {
                    Some(text) => view! { <span class="field-error">{text}</span> }.into_any(),
                    None => view! { <span class="muted">"Required: the organization's ID in the external system."</span> }.into_any(),
                }}</p>
            </div>
            <div class="field">
                <label for="mapping-entity-name">"Entity name"</label>
                <input id="mapping-entity-name" type="text" autocomplete="off"
                    prop:value=move || entity_name.get()
                    on:input=move |event| entity_name.set(event_target_value(&event)) />
                <p class="field-message">{move || name_message.get().map(|text| view! { <span class="field-error">{text}</span> })}</p>
            </div>
            <fieldset>
                <legend>"Overrides"</legend>
                <ValueInputs states overriding=true error error_prefix="overrides." />
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || create.pending().get() || update.pending().get()>"Save mapping"</button>
                <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
    .into_any()
}

/// Organizations without a mapping, found by name on the server (there can be thousands).
#[component]
fn OrganizationPicker(
    integration_id: i64,
    organization_id: RwSignal<Option<i64>>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let choices = sent_with_page(move || {
        Resource::new(
            move || filter.get(),
            move |search| list_unmapped_organizations(integration_id, search),
        )
    });
    view! {
        <div class="field">
            <label for="mapping-organization-search">"Find organization"</label>
            <input id="mapping-organization-search" type="search" autocomplete="off" placeholder="Type part of a name"
                on:input=move |event| filter.set(event_target_value(&event)) />
        </div>
        <div class="field">
            <label for="mapping-organization">"Organization"</label>
            <Transition fallback=|| view! { <p class="muted">"Loading organizations…"</p> }>
                {move || choices.get().map(|result| match result.map(|paged| paged.items) {
                    Ok(choices) if choices.is_empty() => view! {
                        <p class="muted" id="mapping-organization">"No unmapped organization matches."</p>
                    }.into_any(),
                    Ok(choices) => view! {
                        <select id="mapping-organization"
                            aria-invalid=move || message.get().is_some().to_string()
                            on:change=move |event| organization_id.set(event_target_value(&event).parse().ok())>
                            <option value="" selected=move || organization_id.get().is_none()>"Choose an organization"</option>
                            {choices.into_iter().map(|choice| view! {
                                <option value=choice.id.to_string() selected=move || organization_id.get() == Some(choice.id)>{choice.name}</option>
                            }).collect_view()}
                        </select>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <p class="field-message">{move || message.get().map(|text| view! { <span class="field-error">{text}</span> })}</p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::integration::{OAuthLink, SchemaFieldView};

    fn field(key: &str, field_type: FieldType) -> SchemaFieldView {
        SchemaFieldView {
            id: 0,
            key: key.to_string(),
            field_type,
            required: false,
            description: String::new(),
        }
    }

    fn integration(entity_id_name: &str, oauth: bool) -> IntegrationView {
        IntegrationView {
            id: 7,
            name: "HaloPSA".to_string(),
            description: String::new(),
            entity_id_name: entity_id_name.to_string(),
            default_entity_id: String::new(),
            fields: vec![
                field("base_url", FieldType::String),
                field("api_key", FieldType::Secret),
                field("timeout", FieldType::Int),
            ],
            mapped_organizations: 0,
            oauth_connection: oauth.then(|| OAuthLink {
                id: 1,
                name: "Halo".to_string(),
            }),
            created_at: 0,
            updated_at: 0,
            version: 1,
        }
    }

    #[test]
    fn the_csv_columns_leave_out_secret_fields() {
        let setup = MappingsSetup::of(&integration("Tenant ID", true));
        assert_eq!(setup.csv_columns, ",base_url,timeout");
        assert_eq!(setup.integration_id, 7);
        assert_eq!(setup.entity_label, "Tenant ID");
        assert!(setup.with_oauth);
    }

    #[test]
    fn an_integration_without_entity_id_name_or_oauth_gets_the_generic_label() {
        let setup = MappingsSetup::of(&integration("", false));
        assert_eq!(setup.entity_label, "Entity ID");
        assert!(!setup.with_oauth);
    }
}
