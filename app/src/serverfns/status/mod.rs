//! Server status for the dashboard.

mod get_server_status;

pub use get_server_status::*;
