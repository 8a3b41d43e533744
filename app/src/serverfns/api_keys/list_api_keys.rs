use leptos::prelude::*;

use crate::domain::api_key::ApiKeyView;
use crate::domain::paging::Paged;

admin_server_fn! {
    /// One page of API keys, newest first; never a key itself.
    #[server(endpoint = "api-keys/list")]
    pub async fn list_api_keys(page: i64) -> Paged<ApiKeyView>
    => |services, _| services.api_keys(page).await
}
