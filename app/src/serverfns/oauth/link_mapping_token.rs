use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;

/// Links a mapping to an organization-specific token of the same connection (or unlinks it).
#[server(endpoint = "oauth/link-mapping-token", input = Json)]
pub async fn link_mapping_token(
    integration_id: i64,
    mapping_id: i64,
    token_id: Option<i64>,
) -> Result<(), AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services
            .link_mapping_token(&admin, integration_id, mapping_id, token_id)
            .await
    })
    .await
}
