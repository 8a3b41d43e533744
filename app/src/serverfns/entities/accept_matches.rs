use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::AcceptedMatch;
use crate::error::AppError;

/// Maps every accepted proposal, all or none; how many mappings were made.
#[server(endpoint = "entities/accept-matches", input = Json)]
pub async fn accept_matches(
    integration_id: IntegrationId,
    accepted: Vec<AcceptedMatch>,
) -> Result<usize, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .accept_matches(&admin, integration_id, &accepted)
            .await
    })
    .await
}
