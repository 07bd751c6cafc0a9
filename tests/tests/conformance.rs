//! Conformance with the WAMP spec's test vectors (`../shared/wamp-testsuite/singlemessage/`).
//!
//! For every serialization sample in JSON, MessagePack and CBOR: the bytes decode to the
//! `expected_attributes`, and our own encoding decodes back to the same message. For every
//! validation sample: the wire message is accepted, or refused with a protocol violation that
//! names the field. The test fails if the vectors are missing: set `WAMP_TESTSUITE_DIR` to
//! point elsewhere.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use serde_json::{json, Map, Value as Json};
use wamp_core::message::{Arguments, Message, Payload};
use wamp_core::{Dict, Serializer, Value};

fn suite_dir() -> PathBuf {
    match std::env::var_os("WAMP_TESTSUITE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/wamp-testsuite"),
    }
}

fn vector_files() -> Vec<PathBuf> {
    let root = suite_dir().join("singlemessage");
    assert!(
        root.is_dir(),
        "the WAMP conformance vectors are missing: {} (set WAMP_TESTSUITE_DIR)",
        root.display()
    );
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no vector files found");
    files
}

/// Our value as the vectors write it: binary as hex, as in `expected_attributes.payload`.
fn to_json(value: &Value) -> Json {
    match value {
        Value::Integer(i) => {
            let i = i128::from(*i);
            u64::try_from(i)
                .map(Json::from)
                .unwrap_or_else(|_| Json::from(i as i64))
        }
        Value::Float(f) => json!(f),
        Value::Text(t) => json!(t),
        Value::Bool(b) => json!(b),
        Value::Null => Json::Null,
        Value::Bytes(b) => json!(hex::encode(b)),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_text().unwrap().to_owned(), to_json(v)))
                .collect(),
        ),
        other => panic!("unexpected value {other:?}"),
    }
}

fn dict_json(d: &Dict) -> Json {
    Json::Object(d.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
}

fn payload_attrs(out: &mut Map<String, Json>, payload: &Payload) {
    match payload {
        Payload::Arguments(a) => arguments_attrs(out, a),
        Payload::Passthru(bytes) => {
            out.insert("args".into(), Json::Null);
            out.insert("kwargs".into(), Json::Null);
            out.insert("payload".into(), json!(hex::encode(bytes)));
        }
    }
}

fn arguments_attrs(out: &mut Map<String, Json>, a: &Arguments) {
    let args = if a.is_empty() {
        Json::Null
    } else {
        Json::Array(a.args.iter().map(to_json).collect())
    };
    let kwargs = if a.kwargs.is_empty() {
        Json::Null
    } else {
        dict_json(&a.kwargs)
    };
    out.insert("args".into(), args);
    out.insert("kwargs".into(), kwargs);
    out.insert("payload".into(), Json::Null);
}

/// The decoded message under the attribute names the vectors use.
fn attributes(m: &Message) -> Map<String, Json> {
    let mut o = Map::new();
    o.insert("message_type".into(), json!(m.code()));
    let mut put = |k: &str, v: Json| {
        o.insert(k.into(), v);
    };
    match m {
        Message::Hello(m) => {
            put("realm", json!(m.realm));
            put("roles", to_json(&m.details["roles"]));
            put("details", dict_json(&m.details));
        }
        Message::Welcome(m) => {
            put("session_id", json!(m.session));
            put("roles", to_json(&m.details["roles"]));
            put("details", dict_json(&m.details));
        }
        Message::Abort(m) => {
            put("details", dict_json(&m.details));
            put("reason", json!(m.reason));
            arguments_attrs(&mut o, &m.arguments);
        }
        Message::Challenge(m) => {
            put("method", json!(m.method));
            put("extra", dict_json(&m.extra));
        }
        Message::Authenticate(m) => {
            put("signature", json!(m.signature));
            put("extra", dict_json(&m.extra));
        }
        Message::Goodbye(m) => {
            put("details", dict_json(&m.details));
            put("reason", json!(m.reason));
        }
        Message::Error(m) => {
            put("request_type", json!(m.request_type));
            put("request_id", json!(m.request));
            put("details", dict_json(&m.details));
            put("error", json!(m.error));
            payload_attrs(&mut o, &m.payload);
        }
        Message::Publish(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
            put("topic", json!(m.topic));
            payload_attrs(&mut o, &m.payload);
        }
        Message::Published(m) => {
            put("request_id", json!(m.request));
            put("publication_id", json!(m.publication));
        }
        Message::Subscribe(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
            put("topic", json!(m.topic));
        }
        Message::Subscribed(m) => {
            put("request_id", json!(m.request));
            put("subscription_id", json!(m.subscription));
        }
        Message::Unsubscribe(m) => {
            put("request_id", json!(m.request));
            put("subscription_id", json!(m.subscription));
        }
        Message::Unsubscribed(m) => {
            put("request_id", json!(m.request));
            put(
                "details",
                m.details.as_ref().map(dict_json).unwrap_or(Json::Null),
            );
        }
        Message::Event(m) => {
            put("subscription", json!(m.subscription));
            put("publication", json!(m.publication));
            put("details", dict_json(&m.details));
            payload_attrs(&mut o, &m.payload);
        }
        Message::EventReceived(m) => put("publication_id", json!(m.publication)),
        Message::Call(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
            put("procedure", json!(m.procedure));
            payload_attrs(&mut o, &m.payload);
        }
        Message::Cancel(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
        }
        Message::Result(m) => {
            put("request_id", json!(m.request));
            put("details", dict_json(&m.details));
            payload_attrs(&mut o, &m.payload);
        }
        Message::Register(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
            put("procedure", json!(m.procedure));
        }
        Message::Registered(m) => {
            put("request_id", json!(m.request));
            put("registration_id", json!(m.registration));
        }
        Message::Unregister(m) => {
            put("request_id", json!(m.request));
            put("registration_id", json!(m.registration));
        }
        Message::Unregistered(m) => {
            put("request_id", json!(m.request));
            put(
                "details",
                m.details.as_ref().map(dict_json).unwrap_or(Json::Null),
            );
        }
        Message::Invocation(m) => {
            put("request_id", json!(m.request));
            put("registration_id", json!(m.registration));
            put("details", dict_json(&m.details));
            payload_attrs(&mut o, &m.payload);
        }
        Message::Interrupt(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
        }
        Message::Yield(m) => {
            put("request_id", json!(m.request));
            put("options", dict_json(&m.options));
            payload_attrs(&mut o, &m.payload);
        }
    }
    o
}

fn sample_bytes(entry: &Json, serializer: &str) -> Vec<u8> {
    if serializer == "json" {
        if let Some(text) = entry.get("bytes").and_then(Json::as_str) {
            return text.as_bytes().to_vec();
        }
    }
    hex::decode(entry["bytes_hex"].as_str().expect("bytes_hex")).expect("valid hex")
}

/// A validation sample's `wmsg` as a wire value. The vectors write a transparent (binary)
/// payload as a hex string, as they do in `expected_attributes.payload`.
fn wmsg_value(wmsg: &Json) -> Value {
    fn conv(j: &Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Value::from(u),
                (None, Some(i)) => Value::from(i),
                _ => Value::Float(n.as_f64().unwrap()),
            },
            Json::String(s) => Value::Text(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(conv).collect()),
            Json::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (Value::Text(k.clone()), conv(v)))
                    .collect(),
            ),
        }
    }
    let items = wmsg.as_array().expect("wmsg is a list");
    let transparent = items.iter().any(|i| i.get("enc_algo").is_some());
    Value::Array(
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Json::String(s) if transparent && index + 1 == items.len() && index >= 4 => {
                    Value::Bytes(hex::decode(s).expect("hex payload"))
                }
                other => conv(other),
            })
            .collect(),
    )
}

#[test]
fn every_vector_sample_decodes_to_its_attributes_and_round_trips() {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for file in vector_files() {
        let vector: Json = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for sample in vector["samples"].as_array().unwrap() {
            let description = sample["description"].as_str().unwrap_or("?");
            if let Some(wmsg) = sample.get("wmsg") {
                *counts.entry("validation").or_default() += 1;
                let result = Message::from_wire(wmsg_value(wmsg));
                match (sample.get("expected_error"), result) {
                    (None, Ok(_)) => {}
                    (None, Err(e)) => failures.push(format!("{name}: {description}: refused: {e}")),
                    (Some(expected), Err(e)) => {
                        let needle = expected["contains"].as_str().unwrap();
                        assert_eq!(expected["type"], "protocol_violation");
                        if !e.to_string().contains(needle) {
                            failures
                                .push(format!("{name}: {description}: error {e} lacks {needle:?}"));
                        }
                    }
                    (Some(_), Ok(m)) => {
                        failures.push(format!("{name}: {description}: accepted {m:?}"))
                    }
                }
                continue;
            }
            let expected = sample["expected_attributes"].as_object().unwrap();
            for (key, serializer) in [
                ("json", Serializer::Json),
                ("msgpack", Serializer::MsgPack),
                ("cbor", Serializer::Cbor),
            ] {
                for entry in sample["serializers"][key].as_array().into_iter().flatten() {
                    *counts.entry(key).or_default() += 1;
                    let at = format!("{name}: {description} [{key}]");
                    let message = match serializer.decode(&sample_bytes(entry, key)) {
                        Ok(m) => m,
                        Err(e) => {
                            failures.push(format!("{at}: decode failed: {e}"));
                            continue;
                        }
                    };
                    let ours = attributes(&message);
                    for (attr, want) in expected {
                        match ours.get(attr) {
                            Some(got) if got == want => {}
                            got => {
                                failures.push(format!("{at}: {attr}: expected {want}, got {got:?}"))
                            }
                        }
                    }
                    let encoded = serializer.encode(&message).unwrap();
                    match serializer.decode(&encoded) {
                        Ok(back) if back == message => {}
                        other => failures.push(format!("{at}: re-encoding gave {other:?}")),
                    }
                }
            }
        }
    }
    println!("conformance samples checked: {counts:?}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for key in ["json", "msgpack", "cbor", "validation"] {
        assert!(
            counts.get(key).copied().unwrap_or(0) > 0,
            "no {key} samples were checked"
        );
    }
}
