use leptos::prelude::*;

use crate::domain::integration::IntegrationSummary;
use crate::domain::paging::Paged;
use crate::error::AppError;

/// One page of integrations whose name contains `search`.
#[server(endpoint = "integrations/list")]
pub async fn list_integrations(
    search: String,
    page: i64,
) -> Result<Paged<IntegrationSummary>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.integrations(&search, page).await })
        .await
}
