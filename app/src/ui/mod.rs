//! Components: the app shell, the page layout, and one module per page.

pub mod app;
pub mod components;
pub mod islands;
pub mod layout;
pub mod pages;
