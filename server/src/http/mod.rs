//! Plain HTTP routes and middleware outside the Leptos app.

pub mod client_address;
pub mod consent;
pub mod exports;
pub mod guard;
pub mod health;
pub mod listener;
pub mod oauth_callback;
pub mod security_headers;
