use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::AutoMatchView;
use crate::error::AppError;

/// Auto-match's proposals for every unmapped organization, best first.
#[server(endpoint = "entities/auto-match")]
pub async fn propose_matches(integration_id: IntegrationId) -> Result<AutoMatchView, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.auto_match(integration_id).await })
        .await
}
