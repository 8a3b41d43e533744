//! Authentication building blocks: password hashing, session tokens, login throttling.

pub mod password;
pub mod session_token;
pub mod throttle;
