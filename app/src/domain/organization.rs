//! Organizations: the provider (the MSP itself) and its customers.

use serde::{Deserialize, Serialize};

use crate::domain::ids::OrganizationId;

use crate::error::AppError;

pub const MAX_ORGANIZATION_NAME_CHARS: usize = 100;
/// Rows per page on the organizations list.
pub const ORGANIZATIONS_PER_PAGE: i64 = 25;

/// A trimmed organization name of 1–100 printable characters; unique case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationName(String);

impl OrganizationName {
    pub fn parse(raw: &str) -> Result<OrganizationName, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "is required"));
        }
        if name.chars().count() > MAX_ORGANIZATION_NAME_CHARS {
            return Err(AppError::invalid(
                "name",
                &format!("must be at most {MAX_ORGANIZATION_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(OrganizationName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationView {
    pub id: OrganizationId,
    pub name: String,
    pub is_provider: bool,
    pub created_at: i64,
}

/// What deleting an organization takes with it, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionImpact {
    pub name: String,
    pub mappings: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            OrganizationName::parse("  Contoso  ")
                .expect("valid")
                .as_str(),
            "Contoso"
        );
    }

    #[test]
    fn empty_long_and_control_character_names_are_refused() {
        let long = "x".repeat(MAX_ORGANIZATION_NAME_CHARS + 1);
        for raw in ["", "   ", long.as_str(), "a\u{0}b", "line\nbreak"] {
            let error = OrganizationName::parse(raw).expect_err(raw);
            assert!(error.for_field("name").is_some(), "{raw:?}");
        }
    }
}
