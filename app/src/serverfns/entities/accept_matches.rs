use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::AcceptedMatch;

admin_server_fn! {
    /// Maps every accepted proposal, all or none; how many mappings were made.
    #[server(endpoint = "entities/accept-matches", input = Json)]
    pub async fn accept_matches(
        integration_id: IntegrationId, accepted: Vec<AcceptedMatch>,
    ) -> usize
    => |services, admin| services.accept_matches(&admin, integration_id, &accepted).await
}
