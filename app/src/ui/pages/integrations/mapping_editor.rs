//! The mapping editor, the dialog of Add Mapping, Map and Edit: it loads what it starts from (a
//! new mapping's values, or the saved mapping), then shows the form.

use leptos::prelude::*;

use super::mapping_form::MappingForm;
use super::mappings::{Editing, MappingsSetup};
use crate::domain::ids::{IntegrationId, OrganizationId, TokenId};
use crate::domain::integration::FieldValueView;
use crate::error::AppError;
use crate::serverfns::mappings::{get_mapping, get_new_mapping_values};
use crate::ui::islands::sent_with_page;

/// What the editor starts from.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct EditorStart {
    pub organization: Option<(OrganizationId, String)>,
    pub entity_id: String,
    pub entity_name: String,
    pub values: Vec<FieldValueView>,
    pub oauth_token_id: Option<TokenId>,
}

impl EditorStart {
    /// A new mapping's empty values (for the organization given, if any), or the saved mapping.
    async fn load(integration_id: IntegrationId, mode: Editing) -> Result<Self, AppError> {
        match mode {
            Editing::New(preselected) => {
                get_new_mapping_values(integration_id)
                    .await
                    .map(|values| EditorStart {
                        organization: preselected.map(|choice| (choice.id, choice.name)),
                        entity_id: String::new(),
                        entity_name: String::new(),
                        values,
                        oauth_token_id: None,
                    })
            }
            Editing::Existing(mapping_id) => {
                get_mapping(integration_id, mapping_id)
                    .await
                    .map(|mapping| EditorStart {
                        organization: Some((mapping.organization_id, mapping.organization_name)),
                        entity_id: mapping.entity_id,
                        entity_name: mapping.entity_name,
                        values: mapping.values,
                        oauth_token_id: mapping.oauth_token_id,
                    })
            }
        }
    }
}

#[component]
pub fn MappingEditor(
    setup: MappingsSetup,
    mode: Editing,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let integration_id = setup.integration_id;
    let source = mode.clone();
    let start = sent_with_page(move || {
        Resource::new(
            move || source.clone(),
            move |mode| EditorStart::load(integration_id, mode),
        )
    });
    let title = if matches!(mode, Editing::New(_)) {
        "Add Mapping"
    } else {
        "Edit Mapping"
    };
    let entity_label = setup.entity_label;
    let with_oauth = setup.with_oauth;
    let with_entity_source = setup.with_entity_source;
    view! {
        <section class="editor-panel" role="dialog" aria-labelledby="mapping-editor-title"
            on:keydown=move |event| if event.key() == "Escape" { editing.set(None) }>
            <h2 id="mapping-editor-title">{title}</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || start.get().map(|result| match result {
                    Ok(start) => view! {
                        <MappingForm integration_id mode=mode.clone() start entity_label=entity_label.clone() with_oauth with_entity_source editing />
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
