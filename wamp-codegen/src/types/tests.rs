//! The schema reader's unit tests.

use super::*;
use serde_json::json;

#[test]
fn schemas_become_types() {
    let defs = json!({
        "Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
        "Color": {"type": "string", "enum": ["red", "green"]},
        "Shape": {"oneOf": [
            {"type": "string", "const": "Empty"},
            {"type": "object", "properties": {"Circle": {"type": "number"}}, "required": ["Circle"]},
            {"type": "object", "properties": {"Rect": {"type": "object", "properties": {"w": {"type": "integer", "format": "uint32"}}}}, "required": ["Rect"]}
        ]}
    });
    let defs = defs.as_object().unwrap();
    let mut types = Types::new(defs);
    assert_eq!(
        types.ty(
            &json!({"type": ["integer", "null"], "format": "int32"}),
            "X"
        ),
        Ty::Option(Box::new(Ty::Int("i32")))
    );
    assert_eq!(
        types.ty(
            &json!({"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}]}),
            "X"
        ),
        Ty::Option(Box::new(Ty::Named("Point".into())))
    );
    assert_eq!(
        types.ty(&json!({"type": "array", "items": {"type": "string"}}), "X"),
        Ty::List(Box::new(Ty::Str))
    );
    assert_eq!(types.ty(&json!({"type": "array", "prefixItems": [{"type": "boolean"}, {"type": "number", "format": "float"}]}), "X"), Ty::Tuple(vec![Ty::Bool, Ty::Float("f32")]));
    assert_eq!(
        types.ty(
            &json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            "X"
        ),
        Ty::Map(Box::new(Ty::Int("i64")))
    );
    assert_eq!(
        types.ty(
            &json!({"type": "object", "properties": {"a": {"type": "string"}}}),
            "Inline"
        ),
        Ty::Named("Inline".into())
    );
    assert_eq!(types.ty(&json!(true), "X"), Ty::Any);
    assert!(
        matches!(&types.named.iter().find(|d| d.name == "Color").unwrap().shape, Shape::UnitEnum(v) if v == &["red", "green"])
    );
    let Shape::Enum(Tagging::External, variants) = &types
        .named
        .iter()
        .find(|d| d.name == "Shape")
        .unwrap()
        .shape
    else {
        panic!("not an enum")
    };
    assert!(matches!(variants[0].payload, VariantPayload::Unit));
    assert!(matches!(
        &variants[1].payload,
        VariantPayload::Newtype(Ty::Float("f64"))
    ));
    assert!(
        matches!(&variants[2].payload, VariantPayload::Struct(f) if f[0].key == "w" && f[0].ty == Ty::Int("u32") && !f[0].required)
    );
}

#[test]
fn a_hostile_description_is_typed_in_bounded_time() {
    // Each level may be an object, an array or a string, and nests the next once: typing
    // each type's alternative with only its own keywords keeps this linear (it was 3^40).
    let mut schema = json!({"type": "string"});
    for _ in 0..40 {
        schema = json!({"type": ["object", "array", "string"], "properties": {"a": schema}, "items": {"type": "integer"}});
    }
    let defs = serde_json::Map::new();
    let mut types = Types::new(&defs);
    let started = std::time::Instant::now();
    assert!(matches!(types.ty(&schema, "Hostile"), Ty::Named(_)));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(types.named.len() < 200, "{}", types.named.len());
    // `oneOf: null` (not a list) is not an enum, and does not loop.
    let odd = json!({"oneOf": null, "anyOf": [{"type": "integer"}, {"type": "string"}]});
    assert!(matches!(types.ty(&odd, "Odd"), Ty::Named(_)));
}

#[test]
fn an_internally_tagged_newtype_of_a_map_keeps_its_payload() {
    let defs = json!({"Msg": {"oneOf": [
        {"type": "object", "properties": {"t": {"type": "string", "const": "Unit"}}, "required": ["t"]},
        {"type": "object", "properties": {"t": {"type": "string", "const": "Map"}}, "required": ["t"],
         "additionalProperties": {"type": "integer"}}
    ]}});
    let defs = defs.as_object().unwrap();
    let types = Types::new(defs);
    let Shape::Enum(Tagging::Internal { tag }, variants) = &types.named[0].shape else {
        panic!("{:?}", types.named[0].shape)
    };
    assert_eq!(tag, "t");
    assert!(matches!(variants[0].payload, VariantPayload::Unit));
    assert!(
        matches!(&variants[1].payload, VariantPayload::Newtype(Ty::Map(v)) if **v == Ty::Int("i64"))
    );
}
