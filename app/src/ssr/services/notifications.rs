//! The port of Settings > Notifications: alert destinations (add, list, remove, send a test)
//! and the deliveries sent to them.

use crate::domain::admin::CurrentAdmin;
use crate::domain::ids::AlertDestinationId;
use crate::domain::notifications::{
    CreatedDestination, DeliveryView, DestinationDraft, DestinationView, TestOutcome,
};
use crate::domain::paging::Paged;
use crate::error::AppError;

#[async_trait::async_trait]
pub trait NotificationServices: Send + Sync {
    /// Every destination, by name; never a URL's path or a secret.
    async fn alert_destinations(&self) -> Result<Vec<DestinationView>, AppError>;
    /// Adds a destination; a signed webhook's secret is in the answer this once. Audited.
    async fn create_alert_destination(
        &self,
        admin: &CurrentAdmin,
        draft: &DestinationDraft,
    ) -> Result<CreatedDestination, AppError>;
    /// Saves an edited destination (its kind stays; a URL or password left empty is kept);
    /// audited.
    async fn update_alert_destination(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
        draft: &DestinationDraft,
    ) -> Result<DestinationView, AppError>;
    /// Removes a destination and its deliveries; audited.
    async fn delete_alert_destination(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
    ) -> Result<(), AppError>;
    /// Sends a test alert to the destination now, and says how it went.
    async fn send_test_alert(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
    ) -> Result<TestOutcome, AppError>;
    /// One page of deliveries, newest first, of one destination or all.
    async fn alert_deliveries(
        &self,
        destination: Option<AlertDestinationId>,
        page: i64,
    ) -> Result<Paged<DeliveryView>, AppError>;
}
