use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::oauth::IntegrationOAuthView;

admin_server_fn! {
    /// The integration's OAuth connection with its token statuses; `None` when none is linked.
    #[server(endpoint = "oauth/integration")]
    pub async fn get_integration_oauth(
        integration_id: IntegrationId,
    ) -> Option<IntegrationOAuthView>
    => |services, _| services.integration_oauth(integration_id).await
}
