//! Settings > Notifications: where alerts go (signed webhooks, Slack, Teams, e-mail), a test
//! per destination, and every delivery with its outcome.

use leptos::prelude::*;

use crate::domain::ids::AlertDestinationId;
use crate::domain::notifications::{DeliveryStatus, DeliveryView, DestinationView};
use crate::domain::paging::Paged;
use crate::domain::time::format_utc;
use crate::serverfns::notifications::{
    list_alert_deliveries, list_alert_destinations, DeleteAlertDestination, SendTestAlert,
};
use crate::ui::components::dialog::ConfirmServerCall;
use crate::ui::components::empty_list::empty_note;
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::page_heading::PageHeading;
use crate::ui::components::pagination::pagination_of;
use crate::ui::islands::{clicked_button, on_demand, start_page_island, PageQuery};
use crate::ui::pages::notification_form::{add_destination_dialog, edit_destination_dialog};

const PATH: &str = "/settings/notifications";

/// Rendered on the server: the destinations and one page of deliveries, with Add destination,
/// Send test and Remove in an island.
#[component]
pub fn NotificationsPage(query: PageQuery) -> impl IntoView {
    let page = query.page();
    let destination: Option<AlertDestinationId> =
        query.get("destination").and_then(|id| id.parse().ok());
    provide_context(query.clone());
    let load = async move {
        let destinations = list_alert_destinations().await?;
        let deliveries = list_alert_deliveries(destination, page).await?;
        Ok((destinations, deliveries))
    };
    view! {
        {when_loaded(load, move |(destinations, deliveries)| view! {
            <NotificationsWorkspace query>
                <DestinationTable destinations=destinations.clone() />
                <h2 id="deliveries-heading">"Deliveries"</h2>
                <DeliveryFilter destinations chosen=destination />
                <DeliveryTable paged=deliveries />
            </NotificationsWorkspace>
        })}
    }
}

/// The heading with Add destination, the dialogs, the test outcome, and the server-rendered
/// lists (`children`).
#[island(lazy)]
fn NotificationsWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let adding = RwSignal::new(false);
    let removing = RwSignal::new(None::<(AlertDestinationId, String)>);
    let editing = RwSignal::new(None::<AlertDestinationId>);
    let test = ServerAction::<SendTestAlert>::new();
    let testing_name = RwSignal::new(String::new());
    view! {
        <PageHeading title="Notifications" button_label="Add destination" on_click=Callback::new(move |()| adding.set(true)) />
        <p class="lead">
            "Alerts tell you when a token needs reconnecting, a refresh keeps failing or recovers, a client secret is about to expire, "
            "or a customer completes a consent link. Each event about one token is sent at most once an hour; failed deliveries are retried."
        </p>
        {move || adding.get().then(|| on_demand(add_destination_dialog(adding)))}
        {move || editing.get().map(|id| on_demand(edit_destination_dialog(id, editing)))}
        {move || removing.get().map(|(id, name)| view! { <ConfirmRemove id name removing /> })}
        <p class="test-outcome" role="status" aria-live="polite">
            {move || match (test.pending().get(), test.value().get()) {
                (true, _) => format!("Sending a test to {}…", testing_name.get()),
                (false, Some(Ok(outcome))) if outcome.delivered => format!("Test to {}: delivered.", testing_name.get()),
                (false, Some(Ok(outcome))) => format!("Test to {} failed: {}", testing_name.get(), outcome.message),
                (false, Some(Err(error))) => format!("Test to {} failed: {error}", testing_name.get()),
                (false, None) => String::new(),
            }}
        </p>
        // The rows' buttons are rendered by the server; this listener acts on them.
        <div on:click=move |event| {
            if let Some(button) = clicked_button(&event, "button[data-test-destination]") {
                let id = button.get_attribute("data-test-destination").and_then(|id| id.parse().ok());
                testing_name.set(button.get_attribute("data-name").unwrap_or_default());
                if let Some(id) = id {
                    test.dispatch(SendTestAlert { id });
                }
            } else if let Some(button) = clicked_button(&event, "button[data-edit-destination]") {
                editing.set(button.get_attribute("data-edit-destination").and_then(|id| id.parse().ok()));
            } else if let Some(button) = clicked_button(&event, "button[data-remove-destination]") {
                let id = button.get_attribute("data-remove-destination").and_then(|id| id.parse().ok());
                let name = button.get_attribute("data-name").unwrap_or_default();
                removing.set(id.map(|id| (id, name)));
            }
        }>
            {children()}
        </div>
    }
}

#[component]
fn ConfirmRemove(
    id: AlertDestinationId,
    name: String,
    removing: RwSignal<Option<(AlertDestinationId, String)>>,
) -> impl IntoView {
    view! {
        <ConfirmServerCall input=DeleteAlertDestination { id } labelled_by="confirm-remove-destination"
            confirm_label="Remove destination" on_close=Callback::new(move |()| removing.set(None))>
            <p id="confirm-remove-destination"><strong>{format!("Remove the destination “{name}”?")}</strong></p>
            <p>"No more alerts go there, and its deliveries are removed from the list."</p>
        </ConfirmServerCall>
    }
}

#[component]
fn DestinationTable(destinations: Vec<DestinationView>) -> impl IntoView {
    if destinations.is_empty() {
        return empty_note(
            "No destinations yet.",
            "Add a webhook, a Slack or Teams channel, or an e-mail address to be told when a connection breaks.",
        );
    }
    view! {
        <table class="data-table destinations-table" aria-label="Destinations">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Sends to"</th>
                <th scope="col">"Events"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {destinations.into_iter().map(|destination| view! { <DestinationRow destination /> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn DestinationRow(destination: DestinationView) -> impl IntoView {
    let name = destination.name.clone();
    let events: Vec<&str> = destination
        .events
        .iter()
        .map(|event| event.as_str())
        .collect();
    view! {
        <tr>
            <td>{destination.name.clone()}</td>
            <td>{destination.kind.label()}</td>
            <td><code>{destination.target.clone()}</code></td>
            <td>{events.join(", ")}</td>
            <td class="row-actions">
                <button type="button" class="button secondary small" aria-label=format!("Send a test to {name}")
                    data-test-destination=destination.id.get() data-name=name.clone()>"Send test"</button>
                <button type="button" class="button secondary small" aria-label=format!("Edit {name}")
                    data-edit-destination=destination.id.get()>"Edit"</button>
                <button type="button" class="button danger small" aria-label=format!("Remove {name}")
                    data-remove-destination=destination.id.get() data-name=name.clone()>"Remove"</button>
            </td>
        </tr>
    }
}

/// A plain form: choosing a destination loads the page with `?destination=`.
#[component]
fn DeliveryFilter(
    destinations: Vec<DestinationView>,
    chosen: Option<AlertDestinationId>,
) -> impl IntoView {
    (!destinations.is_empty()).then(|| view! {
        <form class="filter-form" method="get" action=PATH>
            <div class="field">
                <label for="deliveries-destination">"Destination"</label>
                <select id="deliveries-destination" name="destination">
                    <option value="" selected=chosen.is_none()>"All destinations"</option>
                    {destinations.into_iter().map(|destination| view! {
                        <option value=destination.id.get() selected=chosen == Some(destination.id)>{destination.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">"Show"</button>
        </form>
    })
}

#[component]
fn DeliveryTable(paged: Paged<DeliveryView>) -> impl IntoView {
    if paged.items.is_empty() {
        return empty_note(
            "No alerts sent yet.",
            "Deliveries appear here with their outcome.",
        );
    }
    view! {
        <table class="data-table deliveries-table" aria-labelledby="deliveries-heading">
            <thead><tr>
                <th scope="col">"Queued"</th><th scope="col">"Event"</th><th scope="col">"Alert"</th>
                <th scope="col">"Destination"</th><th scope="col">"Status"</th><th scope="col">"Attempts"</th>
                <th scope="col">"Last error"</th>
            </tr></thead>
            <tbody>
                {paged.items.clone().into_iter().map(|delivery| view! { <DeliveryRow delivery /> }).collect_view()}
            </tbody>
        </table>
        {pagination_of(PATH, &paged)}
    }
    .into_any()
}

#[component]
fn DeliveryRow(delivery: DeliveryView) -> impl IntoView {
    let badge = match delivery.status {
        DeliveryStatus::Delivered => "badge ok-badge",
        DeliveryStatus::Pending => "badge warning-badge",
        DeliveryStatus::Failed => "badge danger-badge",
    };
    let status = match (delivery.status, delivery.finished_at) {
        (DeliveryStatus::Pending, _) if delivery.attempts > 0 => {
            format!("Retrying at {}", format_utc(delivery.next_attempt_at))
        }
        (_, Some(at)) => format!("{} {}", delivery.status.label(), format_utc(at)),
        _ => delivery.status.label().to_string(),
    };
    view! {
        <tr>
            <td>{format_utc(delivery.created_at)}</td>
            <td><code>{delivery.event.clone()}</code></td>
            <td>{delivery.summary.clone()}</td>
            <td>{delivery.destination_name.clone()}</td>
            <td><span class=badge>{status}</span></td>
            <td>{delivery.attempts}</td>
            <td>{delivery.last_error.clone()}</td>
        </tr>
    }
}
