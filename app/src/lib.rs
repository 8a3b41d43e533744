//! The Bifrost Integrations web app: routes, components and server functions shared by the server
//! (feature `ssr`) and the browser (feature `hydrate`). Server-only code lives behind `ssr`.

// Leptos views are deeply nested types; the hydrate build needs more than the default 128.
#![recursion_limit = "256"]

pub mod domain;
pub mod error;
pub mod serverfns;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;

pub use ui::app::{shell, App};
