//! Settings > Audit Log: every change, newest first, filtered by actor, object and date.

use leptos::prelude::*;

use crate::domain::audit::{AuditEntryView, AuditFilter, FieldChange};
use crate::domain::paging::Paged;
use crate::domain::time::format_utc;
use crate::serverfns::audit::list_audit_entries;
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::pagination::pagination_of;
use crate::ui::islands::PageQuery;

const PATH: &str = "/settings/audit-log";

/// Rendered on the server alone: the filter is a plain form, so the page ships no code.
#[component]
pub fn AuditLogPage(query: PageQuery) -> impl IntoView {
    let get = |key: &str| query.get(key).unwrap_or_default();
    let filter = AuditFilter {
        actor: get("actor"),
        object: get("object"),
        from: get("from"),
        to: get("to"),
    };
    let page = query.page();
    // Pagination keeps the filter in its links.
    provide_context(query);
    let entries = list_audit_entries(filter.clone(), page);
    view! {
        <h1>"Audit Log"</h1>
        <p class="lead">"Every change made through the UI or the API: who, what and when. Secret values are never recorded."</p>
        <form method="get" action=PATH class="filter-form" aria-label="Filter the audit log">
            <FilterInput label="Actor" name="actor" kind="search" value=filter.actor />
            <FilterInput label="Object" name="object" kind="search" value=filter.object />
            <FilterInput label="From" name="from" kind="date" value=filter.from />
            <FilterInput label="To" name="to" kind="date" value=filter.to />
            <div class="filter-actions">
                <button type="submit" class="button secondary">"Filter"</button>
                <a href=PATH>"Clear"</a>
            </div>
        </form>
        {when_loaded(entries, |paged| view! { <AuditTable paged /> })}
    }
}

#[component]
fn FilterInput(
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    value: String,
) -> impl IntoView {
    let id = format!("audit-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind name=name value=value />
        </div>
    }
}

#[component]
fn AuditTable(paged: Paged<AuditEntryView>) -> impl IntoView {
    if paged.items.is_empty() {
        return view! { <div class="empty-state"><p>"No changes match."</p></div> }.into_any();
    }
    view! {
        <table class="data-table audit-table">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Object"</th>
                    <th scope="col">"Changes"</th>
                </tr>
            </thead>
            <tbody>
                {paged.items.clone().into_iter().map(|entry| view! {
                    <tr>
                        <td class="nowrap">{format_utc(entry.occurred_at)}</td>
                        <td>{entry.actor}</td>
                        <td><code>{entry.action}</code></td>
                        <td>{format!("{} “{}”", entry.object_type, entry.object_label)}</td>
                        <td><ChangeList changes=entry.changes /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {pagination_of(PATH, &paged)}
    }
    .into_any()
}

#[component]
fn ChangeList(changes: Vec<FieldChange>) -> impl IntoView {
    let empty = "—";
    view! {
        <ul class="changes">
            {changes.into_iter().map(|change| view! {
                <li>
                    <span class="change-field">{change.field}</span>": "
                    <span class="change-from">{change.from.unwrap_or_else(|| empty.to_string())}</span>
                    " → "
                    <span class="change-to">{change.to.unwrap_or_else(|| empty.to_string())}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}
