//! The integration form: details and the Config Schema editor, for Create Integration and Edit,
//! and on Create Integration the optional OAuth Provider (`oauth_choice`).
//!
//! The form renders on the server as plain controls, the schema as a list of rows and a
//! `<template>` for a new one (`schema_fields`). Its island (`form_island`) works on that HTML
//! directly. Kept to DOM calls, it is a small part of the page's first load.

use leptos::prelude::*;

use super::form_island::IntegrationFormIsland;
use super::list::INTEGRATIONS_PATH;
use super::oauth_choice::oauth_choice_fieldset;
use super::schema_fields::schema_fieldset;
use crate::domain::integration::{IntegrationDraft, IntegrationView};
use crate::domain::oauth::OAuthConnectionView;
use crate::serverfns::integrations::get_integration;
use crate::serverfns::oauth::list_oauth_connections;
use crate::ui::components::loaded::when_loaded;

#[component]
pub fn CreateIntegrationPage() -> impl IntoView {
    view! {
        <p class="breadcrumb"><a href=INTEGRATIONS_PATH>"Integrations"</a>" / New"</p>
        <h1>"Create Integration"</h1>
        {when_loaded(list_oauth_connections(), |connections| view! {
            <IntegrationForm existing=None connections />
        })}
    }
    .into_any()
}

#[component]
pub fn EditIntegrationPage(name: String) -> impl IntoView {
    when_loaded(get_integration(name), move |view| {
        view! {
            <h2>"Edit details and schema"</h2>
            <IntegrationForm existing=Some(view) connections=Vec::new() />
        }
    })
}

/// The whole form, rendered by the server. What the island needs beyond the controls (which
/// integration, the name and version it was opened with) is in the form's data attributes.
/// `connections` are offered in the OAuth Provider section, which only a new integration has
/// (an existing one links its connection on the OAuth tab).
#[component]
fn IntegrationForm(
    existing: Option<IntegrationView>,
    connections: Vec<OAuthConnectionView>,
) -> impl IntoView {
    let draft = existing
        .as_ref()
        .map(IntegrationView::to_draft)
        .unwrap_or_default();
    let existing_id = existing.as_ref().map(|view| view.id.to_string());
    let original_name = existing.as_ref().map(|view| view.name.clone());
    let save_label = if existing.is_some() {
        "Save changes"
    } else {
        "Save integration"
    };
    view! {
        <IntegrationFormIsland>
            <form class="integration-form" novalidate=true data-existing-id=existing_id
                data-original-name=original_name
                data-opened-at-version=draft.opened_at_version.map(|version| version.to_string())>
                <p class="error" role="alert" id="integration-form-error" hidden=true></p>
                {details_fieldset(&draft)}
                {schema_fieldset(&draft.fields)}
                {existing.is_none().then(|| oauth_choice_fieldset(connections))}
                {removal_confirmation()}
                <div class="form-actions">
                    // Disabled until the island is live: before then a submit would send the form as a plain GET.
                    <button type="submit" class="button" id="save-integration" disabled=true>{save_label}</button>
                    <a class="button secondary" href=INTEGRATIONS_PATH>"Cancel"</a>
                </div>
            </form>
        </IntegrationFormIsland>
    }
    .into_any()
}

/// Name, description and the entity ID settings, with the warning a rename shows.
fn details_fieldset(draft: &IntegrationDraft) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Details"</legend>
            {detail("integration-name", "Name", draft.name.clone(),
                "Unique; letters, digits, _ and -, e.g. HaloPSA or Microsoft_Graph. Workflows ask for the integration by this name.")}
            <p class="warning" role="status" id="rename-warning" hidden=true>
                "Renaming keeps the mappings and values, but workflows that call this integration by its old name will stop finding it."
            </p>
            {detail("integration-description", "Description", draft.description.clone(), "What this integration connects to.")}
            {detail("integration-entity-id-name", "Entity ID Name", draft.entity_id_name.clone(),
                "What the external system calls a customer, e.g. Tenant ID or Company ID.")}
            {detail("integration-default-entity-id", "Default Entity ID", draft.default_entity_id.clone(),
                "Used in the global scope and for organizations without a mapping, e.g. common.")}
        </fieldset>
    }
}

/// One labelled text input of the details; its message is `{id}-message`.
fn detail(
    id: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
) -> impl IntoView {
    labelled_input(id, label, "text", value, hint)
}

/// A labelled input whose message (the server's error, else the hint) is `{id}-message`.
pub(super) fn labelled_input(
    id: &'static str,
    label: &'static str,
    input_type: &'static str,
    value: String,
    hint: &'static str,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=input_type autocomplete="off" value=value aria-describedby=message_id.clone() />
            <p class="field-message" id=message_id>
                <span class="field-error" hidden=true></span>
                <span class="muted">{hint}</span>
            </p>
        </div>
    }
}

/// The server's question before a save deletes the stored values of removed fields; the island
/// shows it.
fn removal_confirmation() -> impl IntoView {
    view! {
        <div class="confirm" id="confirm-removal" role="alertdialog" aria-labelledby="confirm-removal-title" hidden=true>
            <p id="confirm-removal-title"><strong>"Delete stored values?"</strong></p>
            <p id="confirm-removal-message"></p>
            <div class="confirm-actions">
                <button type="button" class="button danger" data-schema-action="confirm-removal">"Delete values and save"</button>
                <button type="button" class="button secondary" data-schema-action="cancel-removal">"Cancel"</button>
            </div>
        </div>
    }
}
