use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{MappingDraft, MappingSummary, MappingTokenChoice};

admin_server_fn! {
    /// Adds a mapping, with the OAuth token chosen (none given leaves the link as it is).
    #[server(endpoint = "mappings/create", input = Json)]
    pub async fn create_mapping(
        integration_id: IntegrationId, draft: MappingDraft, oauth_token: Option<MappingTokenChoice>,
    ) -> MappingSummary
    => |services, admin| {
        let token = oauth_token.unwrap_or_default();
        services.save_mapping_with_token(&admin, integration_id, None, &draft, token).await
    }
}
