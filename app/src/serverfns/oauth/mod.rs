//! OAuth connections (list, create, edit, delete) and their tokens (Connect, status, refresh,
//! disconnect, linking a mapping, Test Connection).

mod adopt_detected_entity_id;
mod create_oauth_connection;
mod delete_oauth_connection;
mod disconnect_oauth_token;
mod get_integration_oauth;
mod link_mapping_token;
mod list_oauth_connections;
mod refresh_oauth_token;
mod start_oauth_connect;
mod test_connection;
mod update_oauth_connection;

pub use adopt_detected_entity_id::*;
pub use create_oauth_connection::*;
pub use delete_oauth_connection::*;
pub use disconnect_oauth_token::*;
pub use get_integration_oauth::*;
pub use link_mapping_token::*;
pub use list_oauth_connections::*;
pub use refresh_oauth_token::*;
pub use start_oauth_connect::*;
pub use test_connection::*;
pub use update_oauth_connection::*;
