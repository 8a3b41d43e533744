use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::integration::{IntegrationDraft, IntegrationOAuthChoice, IntegrationView};
use crate::error::AppError;

/// Creates the integration and, when `oauth` says so, links or creates its OAuth connection in
/// the same transaction.
#[server(endpoint = "integrations/create", input = Json)]
pub async fn create_integration(
    draft: IntegrationDraft,
    oauth: Option<IntegrationOAuthChoice>,
) -> Result<IntegrationView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .create_integration_with_oauth(&admin, &draft, oauth.as_ref())
            .await
    })
    .await
}
