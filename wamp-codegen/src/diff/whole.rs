//! The whole-schema check behind the typed comparison: two schemas are compared as JSON, with
//! the annotations (docs, titles, examples, defaults) left out, so a change the typed comparison does not
//! classify (a `minimum`, a `pattern`, a keyword it does not model) is still reported. A
//! `$ref` counts as the same wherever it points: named types are compared one by one, each
//! once, so a change inside one is reported once, where it is.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use crate::types::ANNOTATIONS;

/// Keywords whose value is a map of names to schemas (not a schema itself).
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// Keywords whose value is data, not a schema: compared as they are.
const VALUES: &[&str] = &["const"];

/// Keywords whose value is a set (order does not matter).
const SETS: &[&str] = &["required", "enum", "type"];

/// `schema` without its annotations, its sets sorted and its references blanked.
pub(super) fn canonical(schema: &Json) -> Json {
    let Json::Object(object) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        if ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        let value = if key == "$ref" {
            Json::from("#")
        } else if VALUES.contains(&key.as_str()) {
            value.clone()
        } else if key == "oneOf" {
            one_of(value)
        } else if SCHEMA_MAPS.contains(&key.as_str()) {
            match value {
                Json::Object(map) => {
                    Json::Object(map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
                }
                other => other.clone(),
            }
        } else if SETS.contains(&key.as_str()) {
            match value {
                Json::Array(items) => {
                    let mut items = items.clone();
                    items.sort_by_key(|v| v.to_string());
                    Json::Array(items)
                }
                other => other.clone(),
            }
        } else {
            match value {
                Json::Object(_) => canonical(value),
                Json::Array(items) => Json::Array(items.iter().map(canonical).collect()),
                other => other.clone(),
            }
        };
        out.insert(key.clone(), value);
    }
    Json::Object(out)
}

/// A `oneOf` (schemars' tagged enums: exactly one alternative matches, so their order does
/// not matter) with its alternatives sorted, and a group of string values
/// (`{"type": "string", "enum": [..]}`) as one `const` alternative each, as schemars writes a
/// unit variant once it has docs.
fn one_of(value: &Json) -> Json {
    let Json::Array(alternatives) = value else {
        return value.clone();
    };
    let mut out = Vec::new();
    for alternative in alternatives.iter().map(canonical) {
        match alternative
            .as_object()
            .map(|o| (o.get("type"), o.get("enum"), o.len()))
        {
            Some((Some(t), Some(Json::Array(values)), 2)) if t == "string" => {
                for v in values {
                    out.push(serde_json::json!({"type": "string", "const": v}));
                }
            }
            _ => out.push(alternative),
        }
    }
    out.sort_by_key(|v| v.to_string());
    Json::Array(out)
}

/// Where two canonical schemas first differ, as a JSON pointer (`""` for the root); `None`
/// when they are equal.
pub(super) fn first_difference(old: &Json, new: &Json) -> Option<String> {
    match (old, new) {
        (Json::Object(a), Json::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y).map(|p| format!("/{k}{p}")),
                _ => Some(format!("/{k}")),
            })
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y).map(|p| format!("/{i}{p}"))),
        _ if old == new => None,
        _ => Some(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotations_are_ignored_and_references_blanked() {
        let a = canonical(&json!({
            "type": "object", "description": "old docs", "title": "x",
            "properties": {"description": {"type": "string", "minLength": 1}, "next": {"$ref": "#/$defs/A"}},
            "required": ["next", "description"]
        }));
        // The property named `description` stays; the reference is blanked.
        assert_eq!(
            a,
            json!({"type": "object",
                   "properties": {"description": {"type": "string", "minLength": 1}, "next": {"$ref": "#"}},
                   "required": ["description", "next"]})
        );
        let b = canonical(&json!({
            "type": "object", "description": "new docs",
            "properties": {"description": {"type": "string", "minLength": 2}, "next": {"$ref": "#/$defs/B"}},
            "required": ["description", "next"]
        }));
        assert_eq!(
            first_difference(&a, &b).as_deref(),
            Some("/properties/description/minLength")
        );
        assert_eq!(first_difference(&a, &a), None);
    }
}
