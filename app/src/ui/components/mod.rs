//! Building blocks shared by pages.

pub mod dialog;
pub mod empty_list;
pub mod file_text;
pub mod form;
pub mod loaded;
pub mod page_heading;
pub mod pagination;
pub mod search_form;
