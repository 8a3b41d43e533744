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
    /// Several fields broke rules at once, so a form can mark every one of them.
    #[error("{}", join_field_errors(.0))]
    InvalidFields(Vec<FieldError>),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("you must sign in")]
    Unauthorized,
    #[error("you may not do this")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// The change would delete data; the message says what, and the caller asks before retrying
    /// with the confirmation set.
    #[error("{0}")]
    NeedsConfirmation(String),
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
    /// Too many requests of this kind at once; try again after the given seconds.
    #[error("the server is busy checking other passwords; try again in {0} seconds")]
    Busy(u64),
    /// Transport problems: the request never reached the server function, or the answer was garbled.
    #[error("the server could not be reached: {0}")]
    Transport(String),
}

/// One field's broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn join_field_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// `Ok` for no errors, `Invalid` for one, `InvalidFields` for several.
    pub fn check_fields(mut errors: Vec<FieldError>) -> Result<(), AppError> {
        match errors.len() {
            0 => Ok(()),
            1 => {
                let FieldError { field, message } = errors.remove(0);
                Err(AppError::Invalid { field, message })
            }
            _ => Err(AppError::InvalidFields(errors)),
        }
    }

    /// The field errors this error holds (none for other kinds of error).
    pub fn into_field_errors(self) -> Vec<FieldError> {
        match self {
            AppError::Invalid { field, message } => vec![FieldError { field, message }],
            AppError::InvalidFields(errors) => errors,
            _ => Vec::new(),
        }
    }

    /// Whether the error is about form fields, which the form marks one by one.
    pub fn is_about_fields(&self) -> bool {
        matches!(self, AppError::Invalid { .. } | AppError::InvalidFields(_))
    }

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
            AppError::InvalidFields(errors) => errors
                .iter()
                .find(|error| error.field == name)
                .map(|error| error.message.as_str()),
            _ => None,
        }
    }
}

/// The value of a field that passed its rules, or a default with the field's errors noted in
/// `errors`, so that a form can be checked whole and every broken rule reported at once.
pub fn note<T: Default>(errors: &mut Vec<FieldError>, result: Result<T, AppError>) -> T {
    result.unwrap_or_else(|error| {
        errors.extend(error.into_field_errors());
        T::default()
    })
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
