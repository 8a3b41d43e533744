//! One module per page.

pub mod administrators;
pub mod audit_log;
pub mod dashboard;
pub mod integrations;
pub mod login;
pub mod not_found;
pub mod oauth_connections;
pub mod organizations;
pub mod placeholder;
pub mod setup;
