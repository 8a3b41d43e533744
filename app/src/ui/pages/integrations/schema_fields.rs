//! The Config Schema part of the integration form, as the server renders it: a row of controls
//! per field, and the `<template>` the island copies for Add field.

use leptos::prelude::*;

use crate::domain::integration::{FieldType, SchemaField};

/// The placeholder for a new row's number in the row template's ids.
pub const NEW_ROW: &str = "__row__";

/// The fieldset: the rows of `fields`, the template for a new one, and Add field.
pub fn schema_fieldset(fields: &[SchemaField]) -> impl IntoView {
    let count = fields.len();
    let has_rows = count > 0;
    let blank = SchemaField {
        id: None,
        key: String::new(),
        field_type: FieldType::String,
        required: false,
        description: String::new(),
    };
    view! {
        <fieldset>
            <legend>"Config Schema"</legend>
            <p class="muted">"The settings every organization has: a key workflows read, a type, and whether a value is required."</p>
            <p class="field-message" id="schema-fields-message"><span class="field-error" hidden=true></span></p>
            <p class="muted empty-schema" hidden=has_rows>"No fields yet. Add fields like base_url, api_key or tenant_id."</p>
            <ol class="schema-rows" data-next-row=count.to_string()>
                {fields.iter().enumerate().map(|(index, field)| {
                    schema_row(&index.to_string(), index, count, field)
                }).collect_view()}
            </ol>
            <template id="schema-row-template">{schema_row(NEW_ROW, 0, 1, &blank)}</template>
            <button type="button" class="button secondary" data-schema-action="add">"Add field"</button>
        </fieldset>
    }
}

/// A row of the schema editor at `index` of `count`; `row` makes its ids unique.
fn schema_row(row: &str, index: usize, count: usize, field: &SchemaField) -> AnyView {
    let id = |part: &str| format!("schema-{part}-{row}");
    let position = format!("Field {}", index + 1);
    let field_type = field.field_type;
    let (first, last) = (index == 0, index + 1 >= count);
    let message = |part: &'static str| {
        view! { <p class="field-message" data-part=part><span class="field-error" hidden=true></span></p> }
    };
    view! {
        <li class="schema-row" data-field-id=field.id.map(|id| id.to_string())>
            <div class="field">
                <label for=id("key")>"Key"</label>
                <input id=id("key") class="schema-key" type="text" autocomplete="off" placeholder="base_url" value=field.key.clone() />
                {message("key")}
            </div>
            <div class="field">
                <label for=id("type")>"Type"</label>
                <select id=id("type") class="schema-type">
                    {FieldType::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str() selected=kind == field_type>{kind.as_str()}</option>
                    }).collect_view()}
                </select>
                {message("type")}
            </div>
            <div class="field checkbox-field">
                <input id=id("required") class="schema-required" type="checkbox" checked=field.required />
                <label for=id("required")>"Required"</label>
            </div>
            <div class="field grow">
                <label for=id("description")>"Description"</label>
                <input id=id("description") class="schema-description" type="text" autocomplete="off" value=field.description.clone() />
                {message("description")}
            </div>
            <div class="row-actions" role="group" aria-label=position.clone()>
                <button type="button" class="button secondary small" data-schema-action="up"
                    aria-label=format!("Move {position} up") disabled=first>"↑"</button>
                <button type="button" class="button secondary small" data-schema-action="down"
                    aria-label=format!("Move {position} down") disabled=last>"↓"</button>
                <button type="button" class="button danger small" data-schema-action="remove"
                    aria-label=format!("Remove {position}")>"Remove"</button>
            </div>
        </li>
    }
    .into_any()
}
