//! Store cases; each file ends with `both_backends!` so every case runs on both backends.

mod admins;
mod audit;
mod basics;
mod demo;
mod integrations;
mod key_rotation;
mod oauth_connections;
mod oauth_tokens;
mod organizations;
mod outbound;
mod transfer;
