//! The Mappings tab's server-rendered list: the mappings table with its row buttons, and the
//! organizations that have no mapping yet. The buttons are plain HTML; the tab's island listens
//! for their clicks (`data-mapping-action`).

use leptos::prelude::*;

use super::mapping_token::MappingTokenCell;
use super::mappings::{mappings_href, MappingsSetup};
use crate::domain::integration::{MappingSummary, OrganizationChoice};
use crate::domain::paging::Paged;
use crate::ui::components::empty_list::{empty_list, empty_message};
use crate::ui::components::pagination::pagination_of;

/// How many unmapped organizations are named on the tab; the rest are found by searching.
const UNMAPPED_SHOWN: usize = 10;

/// Organizations without a mapping: nothing is configured for their own keys until mapped; a
/// provider key asking for them gets the global scope.
#[component]
pub fn UnmappedOrganizations(paged: Paged<OrganizationChoice>) -> impl IntoView {
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
                            data-mapping-action="map" data-id=choice.id.get() data-organization=choice.name>"Map"</button>
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
pub fn MappingTable(
    paged: Paged<MappingSummary>,
    search: String,
    setup: MappingsSetup,
) -> impl IntoView {
    let path = mappings_href(&setup.name);
    let nothing_yet = || {
        empty_message(
            "No organization is mapped yet. Add Mapping links a customer organization to its tenant or company."
                .into(),
        )
    };
    let no_match = |search: &str| format!("No mapping matches “{search}”.");
    if let Some(empty) = empty_list(&paged, &path, &search, nothing_yet, no_match) {
        return empty;
    }
    let MappingsSetup {
        entity_label,
        with_oauth,
        ..
    } = setup;
    let pages = pagination_of(path, &paged);
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
                    data-mapping-action="edit" data-id=mapping.id.get()>"Edit"</button>
                <button type="button" class="button danger small" aria-label=format!("Delete mapping of {}", mapping.organization_name)
                    data-mapping-action="delete" data-id=mapping.id.get() data-organization=mapping.organization_name.clone()
                    data-overrides=mapping.override_count>"Delete"</button>
            </td>
        </tr>
    }
}
