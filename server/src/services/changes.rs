//! The `changes` of audit entries: each changed field from what to what; secrets only as set or
//! unset.

use app::domain::integration::FieldType;
use serde_json::{json, Map, Value};

use crate::store::audit::change;

/// Records `(field, before, after)` for each field whose text changed; a new field (no before)
/// left empty did not change.
pub(crate) fn record_changes<'a>(
    changes: &mut Map<String, Value>,
    fields: impl IntoIterator<Item = (&'a str, Option<&'a str>, &'a str)>,
) {
    for (field, old, new) in fields {
        if old != Some(new) && !(old.is_none() && new.is_empty()) {
            changes.insert(field.to_string(), change(old, Some(new)));
        }
    }
}

/// The audit `changes` for a value: the text for plain values, only set/unset for secrets.
pub(crate) fn value_change(
    field_type: FieldType,
    before: Option<&str>,
    after: Option<&str>,
) -> Value {
    if field_type == FieldType::Secret {
        let state = |value: Option<&str>| value.map(|_| "(secret set)");
        return json!({ "from": state(before), "to": state(after) });
    }
    change(before, after)
}
