//! The parameters of synthetic descriptions, and the CALLs tool arguments make.

use serde_json::{json, Map, Value as Json};
use wamp_core::describe::ServiceDescription;

use super::{ProcedureTool, Unserved};

fn service(procedures: Json) -> ServiceDescription {
    serde_json::from_value(json!({
        "name": "Rooms",
        "prefix": "com.app",
        "procedures": procedures,
        "$defs": {"Note": {"type": "object", "properties": {"text": {"type": "string"}}}}
    }))
    .unwrap()
}

fn procedure(name: &str, fields: Json) -> Json {
    let mut p = json!({
        "name": name,
        "uri": format!("com.app.{name}"),
        "cancel": "kill",
        "args": {"type": "array", "maxItems": 0},
        "kwargs": {"type": "object", "properties": {}}
    });
    for (k, v) in fields.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

fn tool(p: Json) -> Result<ProcedureTool, Unserved> {
    let s = service(json!([p]));
    ProcedureTool::new(&s, &s.procedures[0])
}

/// The CALL's URI and its arguments, as JSON.
fn built(t: &ProcedureTool, arguments: Json) -> Result<(String, Json, Json), String> {
    let arguments: Map<String, Json> = serde_json::from_value(arguments).unwrap();
    let (uri, payload) = t.input.build(&t.uri, arguments)?;
    let args: Vec<Json> = payload.args.iter().map(crate::to_json).collect();
    let kwargs: Map<String, Json> = payload
        .kwargs
        .iter()
        .map(|(k, v)| (k.clone(), crate::to_json(v)))
        .collect();
    Ok((uri, json!(args), json!(kwargs)))
}

#[test]
fn captures_are_required_and_must_be_uri_components() {
    let t = tool(procedure(
        "say",
        json!({
            "uri": "com.app.room.{room}.say",
            "match": "wildcard",
            "captures": {"type": "object", "properties": {"room": {"type": "integer"}}},
            "args": {"type": "array", "prefixItems": [{"title": "text", "type": "string"}],
                     "minItems": 1, "maxItems": 1}
        }),
    ))
    .unwrap();
    assert_eq!(
        built(&t, json!({"room": 7, "text": "hi"})).unwrap(),
        ("com.app.room.7.say".to_owned(), json!(["hi"]), json!({}))
    );
    assert_eq!(
        built(&t, json!({"text": "hi"})).unwrap_err(),
        "missing parameter \"room\""
    );
    for bad in [json!("a.b"), json!(""), json!(null), json!([1]), json!(1.5)] {
        assert!(
            built(&t, json!({"room": bad, "text": "hi"})).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn an_optional_positional_argument_left_out_before_a_later_one_is_null() {
    let t = tool(procedure(
        "post",
        json!({"args": {"type": "array", "prefixItems": [
            {"title": "tag", "type": ["string", "null"]},
            {"title": "text", "type": "string"},
            {"title": "note", "anyOf": [{"$ref": "#/$defs/Note"}, {"type": "null"}]}
        ], "minItems": 3, "maxItems": 3}}),
    ))
    .unwrap();
    assert_eq!(t.input.required, vec!["text".to_owned()]);
    assert_eq!(
        built(&t, json!({"text": "hi"})).unwrap().1,
        json!([null, "hi"])
    );
    assert_eq!(
        built(&t, json!({"text": "hi", "note": {"text": "n"}}))
            .unwrap()
            .1,
        json!([null, "hi", {"text": "n"}])
    );
    // Only the $defs a schema uses go with it.
    let schema = serde_json::to_value(&*t.tool.input_schema).unwrap();
    assert_eq!(
        schema["$defs"],
        json!({"Note": {"type": "object", "properties": {"text": {"type": "string"}}}})
    );
}

#[test]
fn a_pattern_procedure_takes_the_concrete_uri() {
    let prefix = tool(procedure("any", json!({"match": "prefix"}))).unwrap();
    assert_eq!(prefix.input.required, vec!["procedure".to_owned()]);
    assert_eq!(
        built(&prefix, json!({"procedure": "com.app.any.thing"}))
            .unwrap()
            .0,
        "com.app.any.thing"
    );
    assert!(built(&prefix, json!({"procedure": "com.other"})).is_err());
    let wildcard = tool(procedure(
        "w",
        json!({"uri": "com.app..get", "match": "wildcard"}),
    ))
    .unwrap();
    assert_eq!(
        built(&wildcard, json!({"procedure": "com.app.x.get"}))
            .unwrap()
            .0,
        "com.app.x.get"
    );
    for bad in ["com.app.x.y.get", "com.app..get", "com.app.x.put"] {
        assert!(
            built(&wildcard, json!({"procedure": bad})).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn clashing_names_and_encrypted_procedures_are_left_out() {
    let clash = procedure(
        "c",
        json!({
            "args": {"type": "array", "prefixItems": [{"title": "text", "type": "string"}],
                     "minItems": 1, "maxItems": 1},
            "kwargs": {"$ref": "#/$defs/Note"}
        }),
    );
    assert!(matches!(tool(clash), Err(Unserved::Clash(_, name)) if name == "text"));
    let sealed = procedure("s", json!({"encrypted": true}));
    assert!(matches!(tool(sealed), Err(Unserved::Encrypted(_))));
}

#[test]
fn whole_kwargs_and_unknown_parameters() {
    let t = tool(procedure(
        "map",
        json!({"kwargs": {"type": "object", "additionalProperties": {"type": "integer"}}}),
    ))
    .unwrap();
    assert_eq!(
        built(&t, json!({"kwargs": {"a": 1}})).unwrap().2,
        json!({"a": 1})
    );
    assert_eq!(
        built(&t, json!({"other": 1})).unwrap_err(),
        "unknown parameter \"other\""
    );
}
