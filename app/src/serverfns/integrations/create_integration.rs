use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::integration::{IntegrationDraft, IntegrationOAuthChoice, IntegrationView};

admin_server_fn! {
    /// Creates the integration and, when `oauth` says so, links or creates its OAuth connection in
    /// the same transaction.
    #[server(endpoint = "integrations/create", input = Json)]
    pub async fn create_integration(
        draft: IntegrationDraft, oauth: Option<IntegrationOAuthChoice>,
    ) -> IntegrationView
    => |services, admin| {
        services.create_integration_with_oauth(&admin, &draft, oauth.as_ref()).await
    }
}
