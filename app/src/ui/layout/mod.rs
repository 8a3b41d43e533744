//! The frame around every page: header and Settings navigation.

pub mod auth_layout;
pub mod page_layout;
pub mod settings_nav;
