//! Import mappings from CSV: paste or choose a file, preview every row (bad rows say why), then
//! import all rows at once.

use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::transfer::{ImportOutcome, ImportPreview, ImportSummary};
use crate::error::AppError;
use crate::serverfns::mappings::{ImportMappings, PreviewMappingImport};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::components::file_text::{CodeTextArea, FileTextInput};
use crate::ui::islands::reload_page;

#[component]
pub fn MappingImportPanel(
    integration_id: IntegrationId,
    columns: String,
    open: RwSignal<bool>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Section>::new();
    focus_on_open(dialog, None);
    let csv = RwSignal::new(String::new());
    let preview = ServerAction::<PreviewMappingImport>::new();
    let import = ServerAction::<ImportMappings>::new();
    // The preview is only good for the text it was made from.
    let previewed_text = RwSignal::new(None::<String>);
    // The list behind the panel is rendered by the server: after an import, closing the panel
    // loads the page again to show the imported mappings.
    let close = move || {
        if matches!(import.value().get_untracked(), Some(Ok(_))) {
            reload_page();
        } else {
            open.set(false);
        }
    };
    let shown_preview = move || {
        preview
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|_| previewed_text.get().as_deref() == Some(csv.get().as_str()))
    };
    let can_import = move || shown_preview().is_some_and(|p| p.can_import());
    let template = format!("organization,entity_id,entity_name{columns}");
    view! {
        <section class="editor-panel" node_ref=dialog role="dialog" aria-labelledby="mapping-import-title"
            on:keydown=move |event| if event.key() == "Escape" { close() }>
            <h2 id="mapping-import-title">"Import mappings from CSV"</h2>
            <p class="muted">
                "The first row names the columns: "<code>{template}</code>
                ". Organizations are found by name; an empty cell uses the default. Secret fields are set on the mapping, never from CSV. Nothing is written until you import, and only when every row is good."
            </p>
            <FileTextInput id="mapping-import-file" label="CSV file" accept=".csv,text/csv" into=csv />
            <CodeTextArea id="mapping-import-text" label="CSV" value=csv />
            {move || preview.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
            {move || import.value().get().map(import_outcome)}
            {move || shown_preview().map(|preview| view! { <PreviewTable preview /> })}
            <div class="form-actions">
                <button type="button" class="button secondary" disabled=preview.pending()
                    on:click=move |_| {
                        let text = csv.get_untracked();
                        previewed_text.set(Some(text.clone()));
                        preview.dispatch(PreviewMappingImport { integration_id, csv: text });
                    }>"Preview"</button>
                <button type="button" class="button" disabled=move || !can_import() || import.pending().get()
                    on:click=move |_| { import.dispatch(ImportMappings { integration_id, csv: csv.get_untracked() }); }>"Import"</button>
                <button type="button" class="button secondary" on:click=move |_| close()>"Close"</button>
            </div>
        </section>
    }
    .into_any()
}

/// What an import did, or why it wrote nothing.
fn import_outcome(result: Result<ImportSummary, AppError>) -> AnyView {
    match result {
        Ok(summary) => view! {
            <p class="success" role="status">{format!("Imported: {} created, {} updated. Close this panel to see them in the list.", summary.created, summary.updated)}</p>
        }.into_any(),
        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
    }
}

#[component]
fn PreviewTable(preview: ImportPreview) -> impl IntoView {
    let summary = format!(
        "{} new, {} updated, {} with errors.",
        preview.creates, preview.updates, preview.errors
    );
    let summary_class = if preview.errors > 0 {
        "error"
    } else {
        "success"
    };
    view! {
        <p role="status" class=summary_class>{summary}
            {(preview.errors > 0).then_some(" Correct the rows marked below, then preview again.")}</p>
        <table class="data-table import-preview">
            <thead><tr><th scope="col">"Line"</th><th scope="col">"Organization"</th><th scope="col">"Entity ID"</th><th scope="col">"Result"</th></tr></thead>
            <tbody>
                {preview.rows.into_iter().map(|row| {
                    let (class, text) = match row.outcome {
                        ImportOutcome::Create => ("", "New mapping".to_string()),
                        ImportOutcome::Update => ("", "Updates the mapping".to_string()),
                        ImportOutcome::Error(message) => ("field-error", message),
                    };
                    view! {
                        <tr>
                            <td>{row.line}</td>
                            <td>{row.organization}</td>
                            <td><code>{row.entity_id}</code></td>
                            <td class=class>{text}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
