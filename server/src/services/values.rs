//! Config values by type: parsing what admins type, storing a canonical text, and giving
//! workflows typed JSON. The same rules apply wherever a value is set.

use app::domain::integration::FieldType;
use serde_json::Value;

/// The largest value of any type: config is settings, not documents.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// Checks `raw` against the field type and returns the canonical text to store, or the rule
/// it broke. Empty input means "no value" and is handled by callers before this.
pub fn canonical_value(field_type: FieldType, raw: &str) -> Result<String, String> {
    if raw.len() > MAX_VALUE_BYTES {
        return Err(format!("must be at most {} KB", MAX_VALUE_BYTES / 1024));
    }
    match field_type {
        FieldType::String | FieldType::Secret => {
            if raw
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err("must not contain control characters".into());
            }
            Ok(raw.to_string())
        }
        FieldType::Int => raw
            .trim()
            .parse::<i64>()
            .map(|number| number.to_string())
            .map_err(|_| {
                format!(
                    "\"{}\" is not a whole number (int: a 64-bit integer)",
                    shorten(raw)
                )
            }),
        FieldType::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Ok("true".into()),
            "false" => Ok("false".into()),
            _ => Err(format!("\"{}\" is not true or false", shorten(raw))),
        },
        // Parsed as workflows will receive it (which refuses nesting deeper than 128 and
        // numbers beyond f64), then kept as written: re-encoding would reformat it.
        FieldType::Json => serde_json::from_str::<Value>(raw)
            .map(|_| raw.trim().to_string())
            .map_err(|error| {
                format!(
                    "is not valid JSON: {} at line {}, column {}",
                    json_reason(&error),
                    error.line(),
                    error.column()
                )
            }),
    }
}

/// The typed value workflows receive for a stored canonical text.
pub fn typed_value(field_type: FieldType, stored: &str) -> Value {
    match field_type {
        FieldType::String | FieldType::Secret => Value::String(stored.to_string()),
        FieldType::Int => stored
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(stored.to_string())),
        FieldType::Bool => Value::Bool(stored == "true"),
        FieldType::Json => {
            serde_json::from_str(stored).unwrap_or_else(|_| Value::String(stored.to_string()))
        }
    }
}

/// The text the admin sees in the form for a stored value (JSON pretty-printed).
pub fn display_value(field_type: FieldType, stored: &str) -> String {
    match field_type {
        FieldType::Json => serde_json::from_str::<Value>(stored)
            .and_then(|value| serde_json::to_string_pretty(&value))
            .unwrap_or_else(|_| stored.to_string()),
        _ => stored.to_string(),
    }
}

fn json_reason(error: &serde_json::Error) -> String {
    // serde_json appends " at line L column C" itself; the message states it once, our way.
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(position) => text[..position].to_string(),
        None => text,
    }
}

fn shorten(raw: &str) -> String {
    let trimmed = raw.trim();
    if trimmed.chars().count() <= 40 {
        trimmed.to_string()
    } else {
        format!("{}…", trimmed.chars().take(40).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_are_64_bit_integers() {
        assert_eq!(canonical_value(FieldType::Int, " 42 "), Ok("42".into()));
        assert_eq!(
            canonical_value(FieldType::Int, "-9223372036854775808"),
            Ok("-9223372036854775808".into())
        );
        for bad in ["abc", "1.5", "9223372036854775808", "", "1e3"] {
            let error = canonical_value(FieldType::Int, bad).expect_err(bad);
            assert!(error.contains("whole number"), "{error}");
        }
        assert_eq!(typed_value(FieldType::Int, "42"), Value::from(42));
    }

    #[test]
    fn bools_are_true_or_false() {
        assert_eq!(canonical_value(FieldType::Bool, "TRUE"), Ok("true".into()));
        assert_eq!(
            canonical_value(FieldType::Bool, "false"),
            Ok("false".into())
        );
        assert!(canonical_value(FieldType::Bool, "yes").is_err());
        assert_eq!(typed_value(FieldType::Bool, "true"), Value::Bool(true));
    }

    #[test]
    fn json_errors_give_the_position() {
        let error = canonical_value(FieldType::Json, "{\"a\": 1,\n \"b\": }").expect_err("bad");
        assert!(error.contains("line 2, column"), "{error}");
        assert!(!error.contains(" at line 2 column"), "stated once: {error}");
        assert_eq!(
            canonical_value(FieldType::Json, " { \"a\" : [1, 2] } "),
            Ok("{ \"a\" : [1, 2] }".into()),
            "kept as written, trimmed"
        );
        let big = "12345678901234567890123";
        assert_eq!(
            canonical_value(FieldType::Json, big),
            Ok(big.into()),
            "digits kept"
        );
        assert!(canonical_value(FieldType::String, &"x".repeat(MAX_VALUE_BYTES + 1)).is_err());
        assert_eq!(
            typed_value(FieldType::Json, "{\"a\":[1,2]}"),
            serde_json::json!({"a": [1, 2]})
        );
        assert!(display_value(FieldType::Json, "{\"a\":1}").contains('\n'));
    }

    #[test]
    fn text_keeps_its_spaces_but_not_control_characters() {
        assert_eq!(
            canonical_value(FieldType::String, " a b "),
            Ok(" a b ".into())
        );
        assert!(canonical_value(FieldType::String, "a\u{0}b").is_err());
        assert!(canonical_value(FieldType::Secret, "line\nbreak").is_ok());
    }
}
