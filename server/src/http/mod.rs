//! Plain HTTP routes and middleware outside the Leptos app.

pub mod guard;
pub mod health;
