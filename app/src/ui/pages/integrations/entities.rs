//! The Entities tab: where Bifrost lists the external system's tenants or companies, for the
//! mapping picker and Auto-match. Like the Configuration tab, the form renders on the server as
//! plain controls and its island (`entities_island`) only sends it: Save, Preview and Refresh
//! list.

use leptos::prelude::*;

use super::entities_island::EntitySourceForm;
use crate::domain::integration::{EntitySourceDraft, DEFAULT_CACHE_MINUTES, DEFAULT_MAX_PAGES};
use crate::error::AppError;
use crate::serverfns::entities::get_entity_source;
use crate::serverfns::integrations::get_integration;
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::PageQuery;

/// The form's fields, in order: (name, label, hint). The control's id is `source-{name}`.
pub const SOURCE_TEXT_FIELDS: [(&str, &str, &str); 9] = [
    ("path", "Path", "Under base_url, with any query: /api/companies?active=true. base_url may hold {field} placeholders."),
    ("header_name", "Header name", "With a config field as a header: X-Api-Key, for example."),
    ("list_pointer", "List pointer", "JSON Pointer to the array of entities: /value, /data; empty when the answer is the array."),
    ("id_pointer", "ID pointer", "Within each entity: /id, /tenantId."),
    ("name_pointer", "Name pointer", "Within each entity: /name, /displayName."),
    ("next_pointer", "Next link pointer", "With a next link in the body: /@odata.nextLink, /next."),
    ("page_parameter", "Page parameter", "With a page parameter: page. It counts up until a page is empty."),
    ("first_page", "First page", "The first page's number: 1, or 0."),
    ("max_pages", "Page limit", "At most this many pages are fetched."),
];

#[component]
pub fn EntitiesTab(name: String, query: PageQuery) -> impl IntoView {
    let saved = query
        .has("saved")
        .then(|| view! { <p class="success" role="status">"Entity source saved."</p> });
    let load = async move {
        let integration = get_integration(name).await?;
        let draft = get_entity_source(integration.id).await?;
        Ok::<_, AppError>((integration, draft))
    };
    view! {
        <p class="lead">"Where Bifrost lists this integration's tenants or companies, for the mapping picker and Auto-match: a GET of base_url + the path, sent like Test Connection."</p>
        {saved}
        {when_loaded(load, |(integration, draft)| {
            let has_source = draft.is_some();
            let draft = draft.unwrap_or_else(new_draft);
            let field_keys: Vec<String> = integration.fields.iter().map(|field| field.key.clone()).collect();
            view! {
                <EntitySourceForm integration_id=integration.id name=integration.name.clone() has_source>
                    <SourceControls draft field_keys />
                </EntitySourceForm>
            }
        })}
    }
}

/// What a new form starts with.
fn new_draft() -> EntitySourceDraft {
    EntitySourceDraft {
        auth_kind: "oauth".into(),
        list_pointer: "/value".into(),
        id_pointer: "/id".into(),
        name_pointer: "/name".into(),
        paging_kind: "single".into(),
        first_page: "1".into(),
        max_pages: DEFAULT_MAX_PAGES.to_string(),
        cache_minutes: DEFAULT_CACHE_MINUTES.to_string(),
        ..EntitySourceDraft::default()
    }
}

fn value_of(draft: &EntitySourceDraft, name: &str) -> String {
    match name {
        "path" => &draft.path,
        "header_name" => &draft.header_name,
        "list_pointer" => &draft.list_pointer,
        "id_pointer" => &draft.id_pointer,
        "name_pointer" => &draft.name_pointer,
        "next_pointer" => &draft.next_pointer,
        "page_parameter" => &draft.page_parameter,
        "first_page" => &draft.first_page,
        "max_pages" => &draft.max_pages,
        _ => &draft.cache_minutes,
    }
    .clone()
}

/// A labelled control with its message line (the server's error, or the hint).
#[component]
fn SourceField(
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    children: Children,
) -> impl IntoView {
    let id = format!("source-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {children()}
            <p class="field-message" id=format!("{id}-message")>
                <span class="field-error" hidden=true></span>
                <span class="muted">{hint}</span>
            </p>
        </div>
    }
}

fn text_control(name: &'static str, value: String) -> AnyView {
    let id = format!("source-{name}");
    view! {
        <input id=id.clone() name=name type="text" autocomplete="off" spellcheck="false" value=value
            aria-describedby=format!("{id}-message") />
    }
    .into_any()
}

fn options(choices: &[(&'static str, &'static str)], chosen: &str) -> AnyView {
    choices
        .iter()
        .map(|(value, label)| {
            view! { <option value=*value selected=*value == chosen>{*label}</option> }
        })
        .collect_view()
        .into_any()
}

/// Every control of the form, filled from the saved settings (or a new form's defaults).
#[component]
fn SourceControls(draft: EntitySourceDraft, field_keys: Vec<String>) -> impl IntoView {
    let text = |index: usize| {
        let (name, label, hint) = SOURCE_TEXT_FIELDS[index];
        let value = value_of(&draft, name);
        view! { <SourceField name label hint>{text_control(name, value)}</SourceField> }
    };
    let auth = options(
        &[
            ("oauth", "The integration's shared OAuth token"),
            ("header", "A config field sent as a header"),
        ],
        &draft.auth_kind,
    );
    let paging = options(
        &[
            ("single", "One request answers everything"),
            ("next_link", "A next link in the body"),
            ("link_header", "A Link header (rel=\"next\")"),
            ("page_parameter", "A page parameter"),
        ],
        &draft.paging_kind,
    );
    let chosen_field = draft.header_field.clone();
    let field_choices = field_keys
        .into_iter()
        .map(|key| view! { <option value=key.clone() selected=key == chosen_field>{key.clone()}</option> })
        .collect_view();
    view! {
        <fieldset>
            <legend>"Request"</legend>
            {text(0)}
            <SourceField name="auth_kind" label="Authentication" hint="The shared token is the one on the OAuth tab.">
                <select id="source-auth_kind" name="auth_kind" aria-describedby="source-auth_kind-message">{auth}</select>
            </SourceField>
            {text(1)}
            <SourceField name="header_field" label="Header value from" hint="A config field; a secret one is never shown.">
                <select id="source-header_field" name="header_field" aria-describedby="source-header_field-message">
                    <option value="">"None"</option>
                    {field_choices}
                </select>
            </SourceField>
        </fieldset>
        <fieldset>
            <legend>"Where the entities are"</legend>
            {text(2)}{text(3)}{text(4)}
        </fieldset>
        <fieldset>
            <legend>"Pages"</legend>
            <SourceField name="paging_kind" label="Paging" hint="How the next page is found.">
                <select id="source-paging_kind" name="paging_kind" aria-describedby="source-paging_kind-message">{paging}</select>
            </SourceField>
            {text(5)}{text(6)}{text(7)}{text(8)}
            <SourceField name="cache_minutes" label="Keep the list for (minutes)" hint="0 fetches it every time; Refresh list fetches it now.">
                {text_control("cache_minutes", draft.cache_minutes.clone())}
            </SourceField>
        </fieldset>
    }
}
