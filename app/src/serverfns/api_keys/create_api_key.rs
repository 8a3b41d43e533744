use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::api_key::{ApiKeyDraft, CreatedApiKey};

admin_server_fn! {
    /// Creates a key; the answer carries the key this one time.
    #[server(endpoint = "api-keys/create", input = Json)]
    pub async fn create_api_key(
        draft: ApiKeyDraft, current_password: Option<String>,
    ) -> CreatedApiKey
    => |services, admin| {
        let given = crate::ssr::password_again(current_password)?;
        services.create_api_key(&admin, given.proof(), &draft).await
    }
}
