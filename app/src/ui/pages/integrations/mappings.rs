//! The Mappings tab: which tenant or company each organization is in the external system, and
//! the organization's overrides. Searchable and paged on the server for thousands of rows.
//!
//! The list renders on the server (`mapping_list`). The island around it, here, holds the
//! toolbar and the dialogs (the editor in `mapping_editor`, the CSV import, the delete
//! confirmation), whose code loads when one first opens; the rows' buttons, plain HTML, open them
//! through one listener. A change loads the page again.

use crate::domain::ids::{IntegrationId, MappingId};
use leptos::prelude::*;

use super::auto_match::AutoMatchPanel;
use super::consent_links::{ConsentLinksPanel, ConsentTarget};
use super::list::integration_href;
use super::mapping_editor::MappingEditor;
use super::mapping_import::MappingImportPanel;
use super::mapping_list::{MappingTable, UnmappedOrganizations};
use super::oauth::CallbackMessage;
use crate::domain::integration::{FieldType, IntegrationView, OrganizationChoice};
use crate::error::AppError;
use crate::serverfns::entities::get_entity_source;
use crate::serverfns::integrations::get_integration;
use crate::serverfns::mappings::{list_mappings, list_unmapped_organizations, DeleteMapping};
use crate::serverfns::oauth::{adopt_detected_entity_id, start_oauth_connect};
use crate::ui::components::dialog::ConfirmServerCall;
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::search_form::SearchForm;
use crate::ui::islands::{
    go_to, on_demand, reload_page, start_page_island, use_page_query, ListButton, PageQuery,
};

/// Which editor is open: a new mapping, or an existing one.
#[derive(Clone, PartialEq, Eq)]
pub enum Editing {
    /// A new mapping, for the organization given or one to choose.
    New(Option<OrganizationChoice>),
    Existing(MappingId),
}

/// What the tab's table, island and editor need of the integration (so the island's props stay
/// small: their code to read them ships with the page).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MappingsSetup {
    pub integration_id: IntegrationId,
    pub name: String,
    pub entity_label: String,
    pub with_oauth: bool,
    /// Whether the integration lists its entities (the Entities tab): Auto-match needs it.
    pub with_entity_source: bool,
    /// The CSV columns after `entity_name`: the non-secret fields.
    pub csv_columns: String,
}

impl MappingsSetup {
    fn of(integration: &IntegrationView) -> Self {
        Self {
            integration_id: integration.id,
            name: integration.name.clone(),
            entity_label: integration.entity_label().to_string(),
            with_oauth: integration.oauth_connection.is_some(),
            with_entity_source: false,
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
    mapping_id: MappingId,
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
        let source = get_entity_source(integration.id).await?;
        Ok::<_, AppError>((integration, mappings, unmapped, source.is_some()))
    };
    let matched = query.get("matched").map(|count| {
        view! { <p class="success" role="status">{format!("Auto-match mapped {count} organizations.")}</p> }
    });
    view! {
        <CallbackMessage />
        {matched}
        {when_loaded(load, move |(integration, mappings, unmapped, with_entity_source)| {
            let search = query.search();
            let setup = MappingsSetup {
                with_entity_source,
                ..MappingsSetup::of(&integration)
            };
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
    let auto_matching = RwSignal::new(false);
    let consenting = RwSignal::new(None::<ConsentTarget>);
    let list_error = RwSignal::new(None::<String>);
    let id = setup.integration_id;
    let path = mappings_href(&setup.name);
    let export_href = format!("{}/mappings.csv", integration_href(&setup.name));
    let csv_columns = setup.csv_columns.clone();
    let auto_match_button = setup.with_entity_source.then(|| view! {
        <button type="button" class="button secondary" on:click=move |_| auto_matching.set(true)>"Auto-match"</button>
    });
    let done_href = path.clone();
    let setup = StoredValue::new(setup);
    view! {
        <div class="toolbar">
            <SearchForm path id="mapping-search" label="Search mappings" placeholder="Search organization or entity ID" value=search />
            <div class="toolbar-actions">
                <button type="button" class="button" on:click=move |_| editing.set(Some(Editing::New(None)))>"Add Mapping"</button>
                {auto_match_button}
                <button type="button" class="button secondary" on:click=move |_| importing.set(true)>"Import CSV"</button>
                <a class="button secondary" href=export_href download="">"Export CSV"</a>
            </div>
        </div>
        {move || importing.get().then(|| on_demand(mapping_import_panel(id, csv_columns.clone(), importing)))}
        {move || auto_matching.get().then(|| on_demand(auto_match_panel(id, done_href.clone(), auto_matching)))}
        {move || editing.get().map(|mode| on_demand(mapping_editor(setup.get_value(), mode, editing)))}
        {move || deleting.get().map(|target| on_demand(confirm_delete_mapping(id, target, deleting)))}
        {move || consenting.get().map(|target| on_demand(consent_links_panel(id, target, consenting)))}
        {move || list_error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        // The rows' buttons are rendered by the server; one listener here does what they name.
        <div class="mappings-list" on:click=move |event| on_list_click(&event, id, ListDialogs { editing, deleting, consenting }, list_error)>
            {children()}
        </div>
    }
}

/// The dialogs the list's buttons open.
#[derive(Clone, Copy)]
struct ListDialogs {
    editing: RwSignal<Option<Editing>>,
    deleting: RwSignal<Option<DeleteTarget>>,
    consenting: RwSignal<Option<ConsentTarget>>,
}

/// A click on a button of the list: the button names what it does in `data-mapping-action`
/// (`edit`, `delete`, `map`, `consent`, `connect` or `adopt`), with the mapping or organization
/// in its other data attributes.
fn on_list_click(
    event: &leptos::ev::MouseEvent,
    integration_id: IntegrationId,
    dialogs: ListDialogs,
    list_error: RwSignal<Option<String>>,
) {
    let ListDialogs {
        editing,
        deleting,
        consenting,
    } = dialogs;
    let Some(button) = ListButton::clicked(event, "data-mapping-action") else {
        return;
    };
    let data = |name: &str| button.data(name);
    // `data-id` is the mapping's id, on "map" the organization's.
    let id: MappingId = button.id();
    match button.action.as_str() {
        "edit" => editing.set(Some(Editing::Existing(id))),
        "delete" => deleting.set(Some(DeleteTarget {
            mapping_id: id,
            organization: data("data-organization"),
            overrides: data("data-overrides").parse().unwrap_or(0),
        })),
        "consent" => consenting.set(Some(ConsentTarget {
            mapping_id: id,
            organization: data("data-organization"),
        })),
        "map" => editing.set(Some(Editing::New(Some(OrganizationChoice {
            id: button.id(),
            name: data("data-organization"),
        })))),
        action @ ("connect" | "adopt") => run_from_list(
            button.element.clone(),
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
    integration_id: IntegrationId,
    mapping_id: MappingId,
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

pub fn mappings_href(name: &str) -> String {
    format!("{}/mappings", integration_href(name))
}

// The dialogs below open on a click; their code loads then, not with the page.

#[lazy]
fn mapping_import_panel(
    integration_id: IntegrationId,
    columns: String,
    open: RwSignal<bool>,
) -> AnyView {
    view! { <MappingImportPanel integration_id columns open /> }.into_any()
}

#[lazy]
fn auto_match_panel(
    integration_id: IntegrationId,
    done_href: String,
    open: RwSignal<bool>,
) -> AnyView {
    view! { <AutoMatchPanel integration_id done_href open /> }.into_any()
}

#[lazy]
fn consent_links_panel(
    integration_id: IntegrationId,
    target: ConsentTarget,
    open: RwSignal<Option<ConsentTarget>>,
) -> AnyView {
    view! { <ConsentLinksPanel integration_id target open /> }.into_any()
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
    integration_id: IntegrationId,
    target: DeleteTarget,
    deleting: RwSignal<Option<DeleteTarget>>,
) -> AnyView {
    view! { <ConfirmDeleteMapping integration_id target deleting /> }.into_any()
}

#[component]
fn ConfirmDeleteMapping(
    integration_id: IntegrationId,
    target: DeleteTarget,
    deleting: RwSignal<Option<DeleteTarget>>,
) -> impl IntoView {
    let DeleteTarget {
        mapping_id,
        organization,
        overrides,
    } = target;
    let title = format!("confirm-delete-mapping-{mapping_id}");
    let labelled_by = title.clone();
    view! {
        <ConfirmServerCall input=DeleteMapping { integration_id, mapping_id } labelled_by confirm_label="Delete mapping"
            on_close=Callback::new(move |()| deleting.set(None))>
            <p id=title><strong>{format!("Delete the mapping of “{organization}”?")}</strong></p>
            <p>{format!("Its {overrides} override(s) go with it; the organization falls back to the defaults and the default entity ID.")}</p>
        </ConfirmServerCall>
    }
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
            id: 7.into(),
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
                id: 1.into(),
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
        assert_eq!(setup.integration_id.get(), 7);
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
