use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, MappingId};
use crate::domain::integration::{MappingDraft, MappingSummary, MappingTokenChoice};

admin_server_fn! {
    /// Saves a mapping's changes, with the OAuth token chosen (none given leaves the link as it
    /// is).
    #[server(endpoint = "mappings/update", input = Json)]
    pub async fn update_mapping(
        integration_id: IntegrationId,
        mapping_id: MappingId,
        draft: MappingDraft,
        oauth_token: Option<MappingTokenChoice>,
    ) -> MappingSummary
    => |services, admin| {
        let token = oauth_token.unwrap_or_default();
        let mapping_id = Some(mapping_id);
        services.save_mapping_with_token(&admin, integration_id, mapping_id, &draft, token).await
    }
}
