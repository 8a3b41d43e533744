use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::AutoMatchView;

admin_server_fn! {
    /// Auto-match's proposals for every unmapped organization, best first.
    #[server(endpoint = "entities/auto-match")]
    pub async fn propose_matches(integration_id: IntegrationId) -> AutoMatchView
    => |services, _| services.auto_match(integration_id).await
}
