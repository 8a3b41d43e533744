//! Settings > Notifications: alert destinations (add, list, remove, send a test) and their
//! deliveries.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::AlertDestinationId;
use crate::domain::notifications::{
    CreatedDestination, DeliveryView, DestinationDraft, DestinationView, TestOutcome,
};
use crate::domain::paging::Paged;

admin_server_fn! {
    #[server(endpoint = "notifications/destinations")]
    pub async fn list_alert_destinations() -> Vec<DestinationView>
    => |services, _| services.alert_destinations().await

    /// Adds a destination; a signed webhook's secret is in this answer only.
    #[server(endpoint = "notifications/destinations/create", input = Json)]
    pub async fn create_alert_destination(draft: DestinationDraft) -> CreatedDestination
    => |services, admin| services.create_alert_destination(&admin, &draft).await

    /// Saves an edited destination; a URL or password left empty is kept.
    #[server(endpoint = "notifications/destinations/update", input = Json)]
    pub async fn update_alert_destination(id: AlertDestinationId, draft: DestinationDraft) -> DestinationView
    => |services, admin| services.update_alert_destination(&admin, id, &draft).await

    #[server(endpoint = "notifications/destinations/delete", input = Json)]
    pub async fn delete_alert_destination(id: AlertDestinationId) -> ()
    => |services, admin| services.delete_alert_destination(&admin, id).await

    /// Sends a test alert now and answers how it went.
    #[server(endpoint = "notifications/destinations/test", input = Json)]
    pub async fn send_test_alert(id: AlertDestinationId) -> TestOutcome
    => |services, admin| services.send_test_alert(&admin, id).await

    #[server(endpoint = "notifications/deliveries")]
    pub async fn list_alert_deliveries(
        destination: Option<AlertDestinationId>, page: i64,
    ) -> Paged<DeliveryView>
    => |services, _| services.alert_deliveries(destination, page).await
}
