//! Administrators: list, add, remove, change one's own password.

mod add_administrator;
mod change_own_password;
mod list_administrators;
mod remove_administrator;
mod two_factor;

pub use add_administrator::*;
pub use change_own_password::*;
pub use list_administrators::*;
pub use remove_administrator::*;
pub use two_factor::*;
