//! One module per page.

pub mod administrators;
pub mod api_keys;
pub mod audit_log;
pub mod dashboard;
pub mod integrations;
pub mod login;
pub mod login_code;
pub mod not_found;
pub mod notification_form;
pub mod notifications;
pub mod oauth_connection_form;
pub mod oauth_connections;
pub mod organizations;
pub mod setup;
pub mod two_factor;
