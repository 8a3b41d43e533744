//! HTTP cases against the real router.

mod auth;
mod basics;
mod guard;
pub mod test_app;
