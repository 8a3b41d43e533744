//! HTTP cases against the real router.

mod administrators;
mod api;
mod auth;
mod basics;
mod guard;
mod integration_pages;
mod integrations;
mod listener;
mod organizations;
mod security_headers;
pub mod test_app;
mod two_factor;
