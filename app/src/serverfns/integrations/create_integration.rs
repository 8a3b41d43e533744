use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::integration::{IntegrationDraft, IntegrationView};
use crate::error::AppError;

#[server(endpoint = "integrations/create", input = Json)]
pub async fn create_integration(draft: IntegrationDraft) -> Result<IntegrationView, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.create_integration(&admin, &draft).await
    })
    .await
}
