use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::ApiKeyId;

admin_server_fn! {
    /// Revokes a key: refused from the next request on.
    #[server(endpoint = "api-keys/revoke", input = Json)]
    pub async fn revoke_api_key(id: ApiKeyId) -> ()
    => |services, admin| services.revoke_api_key(&admin, id).await
}
