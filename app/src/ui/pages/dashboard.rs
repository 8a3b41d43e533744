//! The Dashboard: the health centre (tokens that need reconnecting, whose refresh fails, that
//! expire without a refresh token, shared tokens never connected, mappings missing a required
//! value), counted and listed with where each is fixed; and a check that the server and its
//! store answer. The health centre renders on the server: its filter is a plain form.

use leptos::prelude::*;

use crate::domain::health::{
    HealthFilter, HealthItem, HealthKind, HealthView, DEFAULT_WINDOW_DAYS,
};
use crate::domain::paging::Paged;
use crate::domain::status::ServerStatus;
use crate::domain::time::format_utc;
use crate::serverfns::status::{get_health, GetServerStatus};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::pagination::pagination_of;
use crate::ui::islands::{start_page_island, use_page_query, PageQuery};

const PATH: &str = "/";

#[component]
pub fn DashboardPage(query: PageQuery) -> impl IntoView {
    let get = |key: &str| query.get(key).unwrap_or_default();
    let filter = HealthFilter {
        kind: HealthKind::from_key(&get("kind")),
        integration: get("integration"),
        organization: get("organization"),
        window_days: get("window"),
    };
    let page = query.page();
    // Pagination keeps the filter in its links.
    provide_context(query.clone());
    let health = get_health(filter.clone(), page);
    view! {
        <h1>"Dashboard"</h1>
        <p class="lead">"What needs attention across every customer: tokens to reconnect, refreshes that fail, tokens about to expire, and mappings missing values."</p>
        <HealthFilterForm filter=filter.clone() />
        {when_loaded(health, move |view| view! { <HealthCentre view chosen=filter.kind /> })}
        <ServerStatusCard query />
    }
}

#[component]
fn HealthFilterForm(filter: HealthFilter) -> impl IntoView {
    let window_hint =
        format!("Days ahead for Expiring (default {DEFAULT_WINDOW_DAYS}, at most 90).");
    view! {
        <form method="get" action=PATH class="filter-form" aria-label="Filter the health centre">
            <input type="hidden" name="kind" value=filter.kind.key() />
            <div class="field">
                <label for="health-integration">"Integration"</label>
                <input id="health-integration" type="search" name="integration" value=filter.integration />
            </div>
            <div class="field">
                <label for="health-organization">"Organization"</label>
                <input id="health-organization" type="search" name="organization" value=filter.organization />
            </div>
            <div class="field">
                <label for="health-window">"Expiring within (days)"</label>
                <input id="health-window" type="text" inputmode="numeric" size="4" name="window"
                    value=filter.window_days aria-describedby="health-window-hint" />
                <p id="health-window-hint" class="field-message muted">{window_hint}</p>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button secondary">"Filter"</button>
                <a href=PATH>"Clear"</a>
            </div>
        </form>
    }
}

/// Each kind's count as a link to its list, and the chosen kind's list.
#[component]
fn HealthCentre(view: HealthView, chosen: HealthKind) -> impl IntoView {
    let query = use_page_query();
    let cards = view
        .counts
        .iter()
        .map(|(kind, count)| {
            let href = query.href_with(PATH, "kind", kind.key());
            let current = (*kind == chosen).then_some("page");
            let class = if *count > 0 {
                "health-count attention"
            } else {
                "health-count"
            };
            view! {
                <a class=class href=href aria-current=current>
                    <span class="health-number">{*count}</span>
                    <span class="health-label">{kind.label()}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="health-counts" aria-label="Health by kind">{cards}</nav>
        <section aria-labelledby="health-list-heading">
            <h2 id="health-list-heading">{chosen.label()}</h2>
            <HealthList kind=chosen paged=view.items />
        </section>
    }
}

#[component]
fn HealthList(kind: HealthKind, paged: Paged<HealthItem>) -> impl IntoView {
    if paged.items.is_empty() {
        return view! { <div class="empty-state"><p>"Nothing here: all clear."</p></div> }
            .into_any();
    }
    let (detail_heading, at_heading) = match kind {
        HealthKind::NeverConnected => ("OAuth connection", ""),
        HealthKind::MissingValues => ("Missing field", ""),
        HealthKind::Expiring => ("Last error", "Expires"),
        HealthKind::ClientSecretExpiring => ("OAuth connection", "Secret expires"),
        _ => ("Last error", "Since"),
    };
    view! {
        <table class="data-table health-table">
            <thead><tr>
                <th scope="col">"Integration"</th>
                <th scope="col">"Organization"</th>
                <th scope="col">{detail_heading}</th>
                {(!at_heading.is_empty()).then(|| view! { <th scope="col">{at_heading}</th> })}
                <th scope="col"><span class="visually-hidden">"Fix"</span></th>
            </tr></thead>
            <tbody>
                {paged.items.clone().into_iter().map(|item| view! {
                    <tr>
                        <td>{item.integration_name}</td>
                        <td>{item.organization_name.unwrap_or_else(|| "Shared token".to_string())}</td>
                        <td>{item.detail}</td>
                        {(!at_heading.is_empty()).then(|| view! { <td class="nowrap">{item.at.map(format_utc)}</td> })}
                        <td><a href=item.fix_href>{item.fix_label}</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {pagination_of(PATH, &paged)}
    }
    .into_any()
}

/// A check that the server and its store answer.
#[island(lazy)]
fn ServerStatusCard(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let check = ServerAction::<GetServerStatus>::new();
    let pending = check.pending();
    view! {
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">"Server status"</h2>
            <button type="button" class="button" disabled=pending
                on:click=move |_| { check.dispatch(GetServerStatus {}); }>
                {move || if pending.get() { "Checking…" } else { "Check server status" }}
            </button>
            <div role="status" aria-live="polite" class="status-result">
                {move || check.value().get().map(|result| match result {
                    Ok(status) => view! { <StatusSummary status /> }.into_any(),
                    Err(error) => view! { <p class="error">{error.to_string()}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}

#[component]
fn StatusSummary(status: ServerStatus) -> impl IntoView {
    let schema = status
        .schema_version
        .map_or_else(|| "none".to_string(), |version| version.to_string());
    view! {
        <dl class="facts">
            <dt>"Store"</dt>
            <dd>{format!("{} reachable", status.backend.label())}</dd>
            <dt>"Schema version"</dt>
            <dd>{schema}</dd>
            <dt>"Server version"</dt>
            <dd>{status.version}</dd>
        </dl>
    }
}
