//! Sign-in, sign-out and first-run setup: the only server functions open to anonymous callers.

mod get_current_admin;
mod login;
mod login_code;
mod logout;
mod setup_first_admin;

pub use get_current_admin::*;
pub use login::*;
pub use login_code::*;
pub use logout::*;
pub use setup_first_admin::*;

/// Paths of the server functions that work without a session (the guard lets them through).
pub const PUBLIC_SERVER_FN_PATHS: [&str; 4] = [
    "/api/auth/login",
    "/api/auth/login-code",
    "/api/auth/logout",
    "/api/auth/setup",
];
