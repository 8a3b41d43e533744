//! The server's integration tests, in one binary so that it links once: store cases run on
//! SQLite and PostgreSQL, HTTP cases against the real router on a loopback port.
//!
//! A test reads as one scenario, so the 60-line rule for functions is for the product's code,
//! and a test may print what it measured.
#![expect(
    clippy::too_many_lines,
    reason = "a test is one scenario, read top to bottom"
)]
#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the soak and crash tests report their figures, and a skipped backend says so"
)]

mod alert_receivers;
mod cli;
mod crash;
mod helpers;
mod hostile;
mod http;
mod provider;
mod real_server;
mod soak;
mod store;
