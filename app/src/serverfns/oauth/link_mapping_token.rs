use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::{IntegrationId, MappingId, TokenId};

admin_server_fn! {
    /// Links a mapping to an organization-specific token of the same connection (or unlinks it).
    #[server(endpoint = "oauth/link-mapping-token", input = Json)]
    pub async fn link_mapping_token(
        integration_id: IntegrationId, mapping_id: MappingId, token_id: Option<TokenId>,
    ) -> ()
    => |services, admin| {
        services.link_mapping_token(&admin, integration_id, mapping_id, token_id).await
    }
}
