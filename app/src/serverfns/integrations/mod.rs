//! Integrations: list, create, edit, delete, and their defaults.

mod create_integration;
mod delete_integration;
mod get_default_values;
mod get_integration;
mod get_integration_deletion_impact;
mod import_definition;
mod link_oauth_connection;
mod list_integrations;
mod save_default_values;
mod update_integration;

pub use create_integration::*;
pub use delete_integration::*;
pub use get_default_values::*;
pub use get_integration::*;
pub use get_integration_deletion_impact::*;
pub use import_definition::*;
pub use link_oauth_connection::*;
pub use list_integrations::*;
pub use save_default_values::*;
pub use update_integration::*;
