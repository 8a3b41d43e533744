use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{IntegrationDraft, IntegrationView};
use crate::error::AppError;

/// Saves details and schema; removing fields with values needs `confirm_field_removal`.
#[server(endpoint = "integrations/update", input = Json)]
pub async fn update_integration(
    id: IntegrationId,
    draft: IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.update_integration(&admin, id, &draft).await
    })
    .await
}
