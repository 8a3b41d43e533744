//! The server's integration tests, in one binary so that it links once: store cases run on
//! SQLite and PostgreSQL, HTTP cases against the real router on a loopback port.

mod cli;
mod crash;
mod helpers;
mod hostile;
mod http;
mod provider;
mod real_server;
mod soak;
mod store;
