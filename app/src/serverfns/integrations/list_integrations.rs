use leptos::prelude::*;

use crate::domain::integration::IntegrationSummary;
use crate::domain::paging::Paged;

admin_server_fn! {
    /// One page of integrations whose name contains `search`.
    #[server(endpoint = "integrations/list")]
    pub async fn list_integrations(search: String, page: i64) -> Paged<IntegrationSummary>
    => |services, _| services.integrations(&search, page).await
}
