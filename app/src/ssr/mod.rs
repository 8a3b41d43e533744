//! Server-only part of the app: the port through which server functions reach the services that
//! the `bifrost` server crate implements (the store, crypto and OAuth never compile into WASM),
//! and what the server's request guard leaves in each request for them.

mod request;
mod services;

pub use request::*;
pub use services::*;
