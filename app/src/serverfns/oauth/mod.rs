//! OAuth connections: list, create, edit, delete.

mod create_oauth_connection;
mod delete_oauth_connection;
mod list_oauth_connections;
mod update_oauth_connection;

pub use create_oauth_connection::*;
pub use delete_oauth_connection::*;
pub use list_oauth_connections::*;
pub use update_oauth_connection::*;
