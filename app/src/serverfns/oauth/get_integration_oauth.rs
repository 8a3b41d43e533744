use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::oauth::IntegrationOAuthView;
use crate::error::AppError;

/// The integration's OAuth connection with its token statuses; `None` when none is linked.
#[server(endpoint = "oauth/integration")]
pub async fn get_integration_oauth(
    integration_id: IntegrationId,
) -> Result<Option<IntegrationOAuthView>, AppError> {
    crate::ssr::as_admin(
        |services, _| async move { services.integration_oauth(integration_id).await },
    )
    .await
}
