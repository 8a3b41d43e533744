//! The error every server function returns: serializable, safe to show, never a raw cause.
//!
//! Server-side causes (database, crypto) are logged where they happen and become `Internal` here;
//! the browser sees only what the user can act on.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field broke a rule; `field` names the form field, `message` the rule.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0} was not found")]
    NotFound(String),
    #[error("you must sign in")]
    Unauthorized,
    #[error("you may not do this")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
    /// Transport problems: the request never reached the server function, or the answer was garbled.
    #[error("the server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: &str) -> AppError {
        AppError::Invalid {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// The message for a form field, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<&str> {
        match self {
            AppError::Invalid { field, message } if field == name => Some(message),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
