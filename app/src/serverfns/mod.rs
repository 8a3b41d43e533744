//! Server functions, one per file, grouped by domain. Each is a thin adapter: check the caller,
//! parse, call one service, map the result.

pub mod admins;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod entities;
pub mod integrations;
pub mod mappings;
pub mod oauth;
pub mod organizations;
pub mod status;
