use leptos::prelude::*;

use crate::domain::status::ServerStatus;
use crate::serverfns::status::GetServerStatus;
use crate::ui::islands::{start_page_island, PageQuery};

/// Landing page: what the product does, and a check that the server and its store answer.
#[island(lazy)]
pub fn DashboardPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let check = ServerAction::<GetServerStatus>::new();
    let pending = check.pending();

    view! {
        <h1>"Dashboard"</h1>
        <p class="lead">
            "Connect your automation to external APIs: define integrations, set defaults, "
            "map each customer organization and authorize OAuth."
        </p>
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">"Server status"</h2>
            <button
                type="button"
                class="button"
                disabled=pending
                on:click=move |_| {
                    check.dispatch(GetServerStatus {});
                }
            >
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
