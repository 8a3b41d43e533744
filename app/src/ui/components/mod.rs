//! Building blocks shared by pages.

pub mod dialog;
pub mod file_text;
pub mod form;
pub mod loaded;
pub mod pagination;
