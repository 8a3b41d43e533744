use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, OrganizationId};
use crate::domain::oauth::ConnectionTestResult;

admin_server_fn! {
    /// A GET of `base_url` + `path` with the organization's token (or the shared one).
    #[server(endpoint = "oauth/test-connection", input = Json)]
    pub async fn test_connection(
        integration_id: IntegrationId, organization_id: Option<OrganizationId>, path: String,
    ) -> ConnectionTestResult
    => |services, _| services.test_connection(integration_id, organization_id, &path).await
}
