//! HTTP cases against the real router.

mod auth;
mod basics;
mod guard;
mod organizations;
pub mod test_app;
