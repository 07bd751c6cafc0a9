//! Reading the JSON Schemas of a description: following `$ref`s into `$defs`, and telling
//! whether a schema accepts `null` (which makes a parameter optional).

use serde_json::{Map, Value as Json};

/// How many `$ref`s are followed before giving up (a cycle of pure references).
const MAX_REFS: usize = 32;

/// `schema` with `$ref`s of the form `#/$defs/Name` followed through `defs`. A reference that
/// does not resolve is answered as is.
pub fn resolve<'a>(mut schema: &'a Json, defs: &'a Map<String, Json>) -> &'a Json {
    for _ in 0..MAX_REFS {
        let Some(target) = schema
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| defs.get(name))
        else {
            return schema;
        };
        schema = target;
    }
    schema
}

/// Whether a value satisfying nothing but `null` would be accepted by `schema`: the callee
/// decodes a missing argument from `null`, so such a parameter may be left out.
pub fn accepts_null(schema: &Json, defs: &Map<String, Json>) -> bool {
    accepts_null_within(schema, defs, 0)
}

fn accepts_null_within(schema: &Json, defs: &Map<String, Json>, depth: usize) -> bool {
    if depth > MAX_REFS {
        return false;
    }
    let schema = resolve(schema, defs);
    let object = match schema {
        Json::Bool(b) => return *b,
        Json::Object(o) => o,
        _ => return false,
    };
    if let Some(c) = object.get("const") {
        return c.is_null();
    }
    if let Some(Json::Array(values)) = object.get("enum") {
        return values.iter().any(Json::is_null);
    }
    let any = |key: &str| {
        object
            .get(key)
            .and_then(Json::as_array)
            .map(|alternatives| {
                alternatives
                    .iter()
                    .any(|s| accepts_null_within(s, defs, depth + 1))
            })
    };
    if let Some(found) = any("anyOf").or_else(|| any("oneOf")) {
        return found;
    }
    if let Some(Json::Array(all)) = object.get("allOf") {
        if !all.iter().all(|s| accepts_null_within(s, defs, depth + 1)) {
            return false;
        }
    }
    match object.get("type") {
        Some(Json::String(t)) => t == "null",
        Some(Json::Array(types)) => types.iter().any(|t| t == "null"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_acceptance_follows_types_unions_and_refs() {
        let defs = json!({
            "Opt": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "Point": {"type": "object"},
            "Alias": {"$ref": "#/$defs/Opt"}
        });
        let defs = defs.as_object().unwrap();
        let cases = [
            (json!({"type": "integer"}), false),
            (json!({"type": ["integer", "null"]}), true),
            (json!({"$ref": "#/$defs/Opt"}), true),
            (json!({"$ref": "#/$defs/Alias"}), true),
            (json!({"$ref": "#/$defs/Point"}), false),
            (
                json!({"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}]}),
                true,
            ),
            (json!({"enum": ["a", null]}), true),
            (json!({"const": "a"}), false),
            (json!({}), true),
            (json!(true), true),
            (json!(false), false),
            (json!({"type": "null"}), true),
        ];
        for (schema, expected) in cases {
            assert_eq!(accepts_null(&schema, defs), expected, "{schema}");
        }
    }

    #[test]
    fn a_reference_cycle_ends() {
        let defs = json!({"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}});
        let defs = defs.as_object().unwrap();
        let schema = json!({"$ref": "#/$defs/A"});
        assert!(resolve(&schema, defs).get("$ref").is_some());
        // An endless chain of references constrains nothing.
        assert!(accepts_null(&schema, defs));
    }
}
