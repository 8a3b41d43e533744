use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, MappingId};

admin_server_fn! {
    /// Starts Connect for the shared token (`mapping_id` `None`) or a mapping's organization:
    /// the provider URL the browser goes to next.
    #[server(endpoint = "oauth/connect", input = Json)]
    pub async fn start_oauth_connect(
        integration_id: IntegrationId, mapping_id: Option<MappingId>,
    ) -> String
    => |services, admin| {
        let session = crate::ssr::session_token().ok_or(crate::error::AppError::Unauthorized)?;
        services.start_oauth_connect(&admin, &session, integration_id, mapping_id).await
    }
}
