//! Typed URI captures in the diff: procedures are matched by the pattern they register, and
//! captures by their place in the URI.

use serde_json::{json, Value};
use wamp_codegen::diff::Severity::{Breaking, Compatible};

use super::shape_changes;

fn shelved(doc: &mut Value) -> &mut Value {
    let procedures = doc["services"][0]["procedures"].as_array_mut().unwrap();
    procedures
        .iter_mut()
        .find(|p| p["name"] == "shelved")
        .unwrap()
}

/// Typed URI captures: a capture renamed keeps the wire (the same pattern is registered), so
/// it is compatible; its type changed, a capture added or removed, are breaking.
#[test]
fn captures_are_compared_by_their_place_in_the_uri() {
    let renamed = shape_changes(|d| {
        let p = shelved(d);
        p["uri"] = json!("com.typed.shapes.shelf.{name}.slot.{slot}");
        let captures = p["captures"].as_object_mut().unwrap();
        let schema = captures["properties"]
            .as_object_mut()
            .unwrap()
            .remove("shelf")
            .unwrap();
        captures["properties"]["name"] = schema;
        captures["required"] = json!(["name", "slot"]);
    });
    assert_eq!(renamed, vec![(Compatible, "capture-renamed")]);
    let narrowed = shape_changes(|d| {
        shelved(d)["captures"]["properties"]["shelf"] =
            json!({"type": "integer", "format": "uint8", "minimum": 0});
    });
    assert!(
        narrowed.iter().all(|(s, _)| *s == Breaking) && !narrowed.is_empty(),
        "{narrowed:?}"
    );
    let added = shape_changes(|d| {
        let p = shelved(d);
        p["uri"] = json!("com.typed.shapes.shelf.{shelf}.slot.{slot}.{side}");
        p["captures"]["properties"]["side"] = json!({"type": "string"});
    });
    assert!(
        added.contains(&(Breaking, "procedure-removed")),
        "{added:?}"
    );
    // The same pattern, written without the capture: generated clients lose the parameter.
    let removed = shape_changes(|d| {
        let p = shelved(d);
        p["uri"] = json!("com.typed.shapes.shelf..slot.{slot}");
        p["captures"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("shelf");
        p["captures"]["required"] = json!(["slot"]);
    });
    assert_eq!(removed, vec![(Breaking, "capture-removed")]);
}
