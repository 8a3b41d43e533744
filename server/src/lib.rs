//! The Bifrost Integrations server: configuration, store, services, HTTP router and start-up.
//! `main.rs` only parses the command line and calls into here, so tests build the same router.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod cli_commands;
pub mod config;
pub mod crypto;
pub mod error;
pub mod http;
pub mod oauth;
pub mod services;
pub mod site;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod time;
