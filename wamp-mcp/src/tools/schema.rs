//! What a tool needs to know of JSON Schemas: which `$defs` a schema uses, and whether it
//! accepts null.

use serde_json::{Map, Value as Json};
use wamp_core::describe::ServiceDescription;

/// The entries of the service's `$defs` that `schemas` refer to, directly or through another.
pub(super) fn used_defs(
    service: &ServiceDescription,
    schemas: &impl serde::Serialize,
) -> Map<String, Json> {
    let mut used = Map::new();
    let mut pending = vec![serde_json::to_value(schemas).unwrap_or_default()];
    while let Some(schema) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&schema, &mut refs);
        for name in refs {
            if let (false, Some(def)) = (used.contains_key(&name), service.defs.get(&name)) {
                used.insert(name, def.clone());
                pending.push(def.clone());
            }
        }
    }
    used
}

/// The names `"$ref": "#/$defs/<name>"` in `schema` refers to.
fn collect_refs(schema: &Json, refs: &mut Vec<String>) {
    match schema {
        Json::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                refs.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Json::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

/// Whether `schema` accepts `null` (an `Option`: typed callees read a missing value as none).
pub(super) fn accepts_null(service: &ServiceDescription, schema: &Json) -> bool {
    accepts_null_within(service, schema, 0)
}

fn accepts_null_within(service: &ServiceDescription, schema: &Json, depth: usize) -> bool {
    let schema = service.resolve(schema);
    let Some(map) = schema.as_object() else {
        return schema == &Json::Bool(true);
    };
    let by_type = match map.get("type") {
        Some(Json::String(t)) => t == "null",
        Some(Json::Array(types)) => types.iter().any(|t| t == "null"),
        // No type and no alternatives: anything, null included.
        None => !["anyOf", "oneOf", "enum", "const", "$ref"]
            .iter()
            .any(|k| map.contains_key(*k)),
        Some(_) => false,
    };
    by_type
        || map
            .get("enum")
            .and_then(Json::as_array)
            .is_some_and(|v| v.contains(&Json::Null))
        || (depth < 8
            && ["anyOf", "oneOf"].iter().any(|k| {
                map.get(*k)
                    .and_then(Json::as_array)
                    .is_some_and(|alternatives| {
                        alternatives
                            .iter()
                            .any(|a| accepts_null_within(service, a, depth + 1))
                    })
            }))
}
