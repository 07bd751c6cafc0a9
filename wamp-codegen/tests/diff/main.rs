//! The breaking-change diff: each kind of change made to a copy of the committed
//! `com.typed.calc` description, and the classification it gets; then the command line's exit
//! codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use wamp_codegen::diff::{diff, Severity};
use wamp_codegen::Document;

use Severity::{Breaking, Compatible};

mod captures;

const BASE: &str = include_str!("../../../interfaces/com.typed.calc.json");

fn base() -> Value {
    serde_json::from_str(BASE).unwrap()
}

fn procedure<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    doc["services"][0]["procedures"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["name"] == name)
        .unwrap()
}

/// The changes from the base to `edit(base)`.
fn changes(edit: impl FnOnce(&mut Value)) -> Vec<(Severity, &'static str)> {
    let old = Document::from_json_value(base()).unwrap();
    let mut new = base();
    edit(&mut new);
    let new = Document::from_json_value(new).unwrap();
    diff(&old, &new).kinds()
}

#[test]
fn no_change_is_no_change() {
    assert_eq!(changes(|_| {}), vec![]);
}

#[test]
fn procedures_removed_and_added() {
    assert_eq!(
        changes(|d| d["services"][0]["procedures"]
            .as_array_mut()
            .unwrap()
            .retain(|p| p["name"] != "add")),
        vec![(Breaking, "procedure-removed")]
    );
    assert_eq!(
        changes(|d| {
            let mut extra = procedure(d, "nothing").clone();
            extra["uri"] = json!("com.typed.calc.extra");
            extra["name"] = json!("extra");
            d["services"][0]["procedures"]
                .as_array_mut()
                .unwrap()
                .push(extra);
        }),
        vec![(Compatible, "procedure-added")]
    );
}

#[test]
fn argument_types_and_arity() {
    // An argument's type changes: string instead of integer.
    assert_eq!(
        changes(|d| procedure(d, "add")["args"]["prefixItems"][1] =
            json!({"type": "string", "title": "b"})),
        vec![(Breaking, "type-changed")]
    );
    // Widening an argument (u32 -> u64) is compatible, narrowing (i64 -> i32) breaking.
    assert_eq!(
        changes(|d| procedure(d, "count")["args"]["prefixItems"][0]["format"] = json!("uint64")),
        vec![(Compatible, "type-changed")]
    );
    assert_eq!(
        changes(|d| procedure(d, "add")["args"]["prefixItems"][0]["format"] = json!("int32")),
        vec![(Breaking, "type-changed")]
    );
    // A new required positional argument breaks callers; a new optional one does not.
    assert_eq!(
        changes(|d| {
            let p = procedure(d, "add");
            p["args"]["prefixItems"]
                .as_array_mut()
                .unwrap()
                .push(json!({"type": "integer", "title": "c"}));
            p["args"]["minItems"] = json!(3);
            p["args"]["maxItems"] = json!(3);
        }),
        vec![(Breaking, "argument-added")]
    );
    assert_eq!(
        changes(|d| {
            let p = procedure(d, "divide");
            p["kwargs"]["properties"]["rounding"] = json!({"type": ["string", "null"]});
        }),
        vec![(Compatible, "argument-added")]
    );
    // Removing a positional argument breaks callers that pass it.
    assert_eq!(
        changes(|d| {
            let p = procedure(d, "add");
            p["args"]["prefixItems"].as_array_mut().unwrap().pop();
            p["args"]["minItems"] = json!(1);
            p["args"]["maxItems"] = json!(1);
        }),
        vec![(Breaking, "argument-removed")]
    );
    // An optional argument that becomes required breaks callers that leave it out.
    assert_eq!(
        changes(
            |d| procedure(d, "echo")["args"] = json!({"type": "array", "prefixItems": [{"type": "string", "title": "text"}], "minItems": 1, "maxItems": 1})
        ),
        vec![(Breaking, "argument-required"), (Breaking, "null-removed")]
    );
}

#[test]
fn struct_fields_by_direction() {
    // A new required field in an argument struct breaks callers...
    assert_eq!(
        changes(|d| {
            let point = &mut d["services"][0]["$defs"]["Point"];
            point["properties"]["z"] = json!({"type": "number"});
            point["required"].as_array_mut().unwrap().push(json!("z"));
        }),
        vec![(Breaking, "field-added")]
    );
    // ... a new optional one does not.
    assert_eq!(
        changes(|d| d["services"][0]["$defs"]["Point"]["properties"]["z"] =
            json!({"type": ["number", "null"]})),
        vec![(Compatible, "field-added")]
    );
    // In an event (received by subscribers), a removed required field breaks them.
    assert_eq!(
        changes(|d| {
            let computed = &mut d["services"][0]["$defs"]["Computed"];
            computed["properties"]
                .as_object_mut()
                .unwrap()
                .remove("sum");
            computed["required"]
                .as_array_mut()
                .unwrap()
                .retain(|f| f != "sum");
        }),
        vec![(Breaking, "field-removed")]
    );
}

#[test]
fn results_and_progress() {
    // A result that changes type breaks callers; one that may now be null too.
    assert_eq!(
        changes(|d| procedure(d, "add")["result"] = json!({"type": "string"})),
        vec![(Breaking, "type-changed")]
    );
    assert_eq!(
        changes(|d| procedure(d, "worker")["result"] = json!({"type": ["string", "null"]})),
        vec![(Breaking, "null-added")]
    );
    // A procedure that answered nothing and now answers a value is compatible.
    assert_eq!(
        changes(|d| procedure(d, "nothing")["result"] = json!({"type": "integer"})),
        vec![(Compatible, "result-added")]
    );
    // A progressive procedure that stops being one breaks its callers.
    assert_eq!(
        changes(|d| {
            let p = procedure(d, "ticks");
            p.as_object_mut().unwrap().remove("progress");
            p["result"] =
                json!({"type": "array", "items": {"type": "integer", "format": "uint32"}});
        }),
        vec![(Breaking, "progress-removed")]
    );
}

#[test]
fn errors_removed_added_and_changed() {
    let variants = |d: &mut Value| -> Vec<Value> {
        d["services"][0]["errors"][0]["variants"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(
        changes(|d| {
            let kept: Vec<Value> = variants(d)
                .into_iter()
                .filter(|v| v["name"] != "Overflow")
                .collect();
            d["services"][0]["errors"][0]["variants"] = Value::Array(kept);
        }),
        // add, divide and count declare it.
        vec![(Breaking, "error-removed"); 3]
    );
    assert_eq!(
        changes(|d| {
            let mut all = variants(d);
            all.push(json!({"name": "Busy", "uri": "com.typed.error.busy"}));
            d["services"][0]["errors"][0]["variants"] = Value::Array(all);
        }),
        vec![(Compatible, "error-added"); 3]
    );
    assert_eq!(
        changes(
            |d| d["services"][0]["errors"][0]["variants"][1]["kwargs"]["properties"]["dividend"] =
                json!({"type": "string"})
        ),
        vec![(Breaking, "type-changed"); 3]
    );
}

#[test]
fn options_topics_and_enums() {
    assert_eq!(
        changes(|d| procedure(d, "any")["match"] = json!("wildcard")),
        vec![(Breaking, "match-changed")]
    );
    assert_eq!(
        changes(|d| procedure(d, "sleep")["timeout_ms"] = json!(1000)),
        vec![(Compatible, "timeout-changed")]
    );
    assert_eq!(
        changes(|d| d["services"][0]["topics"]
            .as_array_mut()
            .unwrap()
            .retain(|t| t["name"] != "Logged")),
        vec![(Breaking, "topic-removed")]
    );
    assert_eq!(
        changes(|d| d["services"][0]["topics"][1]["payload"] = json!("value")),
        vec![(Breaking, "event-payload-moved")]
    );
    // A new enum value: compatible where callers send it, breaking where they receive it.
    let with_enum = |d: &mut Value, values: Value, place: &str| {
        d["services"][0]["$defs"]["Mode"] = json!({"type": "string", "enum": values});
        match place {
            "argument" => procedure(d, "sleep")["args"]["prefixItems"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/$defs/Mode", "title": "mode"})),
            _ => procedure(d, "worker")["result"] = json!({"$ref": "#/$defs/Mode"}),
        }
    };
    let diff_enum = |place: &'static str| {
        let mut old = base();
        with_enum(&mut old, json!(["a"]), place);
        let mut new = base();
        with_enum(&mut new, json!(["a", "b"]), place);
        diff(
            &Document::from_json_value(old).unwrap(),
            &Document::from_json_value(new).unwrap(),
        )
        .kinds()
    };
    assert_eq!(
        diff_enum("argument"),
        vec![(Compatible, "enum-value-added")]
    );
    assert_eq!(diff_enum("result"), vec![(Breaking, "enum-value-added")]);
}

const SHAPES: &str = include_str!("../../../interfaces/com.typed.shapes.json");

/// The changes from the shapes description to `edit(shapes)`.
/// Turning end-to-end encryption on or off refuses someone: callers without a key, or encrypted
/// callers (and subscribers) that refuse payloads in the clear. The generated code follows it.
#[test]
fn encryption_on_or_off_is_breaking_and_generated() {
    assert_eq!(
        changes(|d| procedure(d, "add")["encrypted"] = json!(true)),
        vec![(Breaking, "encryption-changed")]
    );
    assert_eq!(
        changes(|d| d["services"][0]["topics"][0]["encrypted"] = json!(true)),
        vec![(Breaking, "encryption-changed")]
    );
    let mut sealed = base();
    procedure(&mut sealed, "add")["encrypted"] = json!(true);
    sealed["services"][0]["topics"][0]["encrypted"] = json!(true);
    let sealed = Document::from_json_value(sealed).unwrap();
    let rust = wamp_codegen::rust::generate(&sealed).unwrap();
    assert!(
        rust.contains("uri = \"com.typed.calc.add\", encrypted"),
        "{rust}"
    );
    assert!(rust.contains("payload = \"kwargs\", encrypted)]"), "{rust}");
    let markdown = wamp_codegen::markdown::render(&sealed);
    assert!(markdown.contains("end-to-end encrypted (WAMP-cryptobox)"));
    let ts = wamp_codegen::typescript::generate(&sealed);
    assert!(ts.contains("autobahn-js does not implement"));
    // A method's `timeout_ms` goes to the dealer as `CALL.Options.timeout`.
    assert!(ts.contains("{ timeout: 300, cancel: \"kill\" }"), "{ts}");
}

/// Deprecating is compatible, and so is removing what was deprecated; removing anything else
/// breaks. The generated code and the reference say it.
#[test]
fn deprecation_is_compatible_and_so_is_removing_what_was_deprecated() {
    assert_eq!(
        changes(|d| procedure(d, "add")["deprecated"] = json!("use plus")),
        vec![(Compatible, "deprecated")]
    );
    assert_eq!(
        changes(|d| d["services"][0]["topics"][0]["deprecated"] = json!("")),
        vec![(Compatible, "deprecated")]
    );
    let mut deprecated = base();
    procedure(&mut deprecated, "add")["deprecated"] = json!("use plus");
    let mut removed = deprecated.clone();
    removed["services"][0]["procedures"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "add");
    let old = Document::from_json_value(deprecated.clone()).unwrap();
    let new = Document::from_json_value(removed).unwrap();
    assert_eq!(
        diff(&old, &new).kinds(),
        vec![(Compatible, "deprecated-procedure-removed")]
    );
    deprecated["services"][0]["topics"][0]["deprecated"] = json!("");
    let doc = Document::from_json_value(deprecated).unwrap();
    let rust = wamp_codegen::rust::generate(&doc).unwrap();
    assert!(
        rust.contains("#[deprecated(note = \"use plus\")]"),
        "{rust}"
    );
    assert!(rust.contains("#[deprecated]\n"), "{rust}");
    assert!(wamp_codegen::typescript::generate(&doc).contains("@deprecated use plus"));
    assert!(wamp_codegen::markdown::render(&doc).contains("**deprecated**: use plus"));
}

/// Marking a procedure idempotent is compatible (clients may start retrying it); unmarking it
/// is breaking (clients built for it may still retry). The flag reaches the generated Rust and
/// the reference.
#[test]
fn idempotence_added_is_compatible_and_removed_is_breaking() {
    assert_eq!(
        changes(|d| procedure(d, "add")["idempotent"] = json!(true)),
        vec![(Compatible, "idempotent")]
    );
    let mut marked = base();
    procedure(&mut marked, "add")["idempotent"] = json!(true);
    let old = Document::from_json_value(marked.clone()).unwrap();
    let new = Document::from_json_value(base()).unwrap();
    assert_eq!(
        diff(&old, &new).kinds(),
        vec![(Breaking, "idempotent-removed")]
    );
    let rust = wamp_codegen::rust::generate(&old).unwrap();
    assert!(rust.contains("idempotent"), "{rust}");
    assert!(wamp_codegen::markdown::render(&old)
        .to_lowercase()
        .contains("idempotent: a call may be retried"));
}

fn shape_changes(edit: impl FnOnce(&mut Value)) -> Vec<(Severity, &'static str)> {
    let base: Value = serde_json::from_str(SHAPES).unwrap();
    let old = Document::from_json_value(base.clone()).unwrap();
    let mut new = base;
    edit(&mut new);
    diff(&old, &Document::from_json_value(new).unwrap()).kinds()
}

fn defs(doc: &mut Value) -> &mut Value {
    &mut doc["services"][0]["$defs"]
}

/// Each enum representation: a variant removed or added, a payload changed, the representation
/// changed; every enum here is both sent and received, so each change is breaking one way.
#[test]
fn every_enum_representation_is_compared() {
    assert_eq!(shape_changes(|_| {}), vec![]);
    for name in ["External", "Internal", "Adjacent", "Untagged"] {
        let removed = shape_changes(|d| {
            let def = defs(d)[name].as_object_mut().unwrap();
            let key = if def.contains_key("oneOf") {
                "oneOf"
            } else {
                "anyOf"
            };
            def[key].as_array_mut().unwrap().remove(0);
        });
        assert!(
            removed.contains(&(Breaking, "enum-value-removed")),
            "{name}: {removed:?}"
        );
    }
    // A field of an internally tagged variant changes type.
    assert!(shape_changes(|d| {
        defs(d)["Internal"]["oneOf"][1]["properties"]["text"] = json!({"type": "integer"})
    })
    .contains(&(Breaking, "type-changed")));
    // An adjacent payload changes width.
    assert!(shape_changes(|d| {
        defs(d)["Adjacent"]["oneOf"][1]["properties"]["c"]["format"] = json!("uint32")
    })
    .contains(&(Breaking, "type-changed")));
    // Internally tagged by `type` becomes tagged by `kind`.
    assert!(shape_changes(|d| {
        for v in defs(d)["Internal"]["oneOf"].as_array_mut().unwrap() {
            let tag = v["properties"]["type"].take();
            let props = v["properties"].as_object_mut().unwrap();
            props.shift_remove("type");
            props.insert("kind".into(), tag);
            v["required"][0] = json!("kind");
        }
    })
    .contains(&(Breaking, "enum-representation-changed")));
}

/// A change the typed comparison does not model (a bound, a pattern) is still reported, once
/// for each direction the type travels in (these types are both sent and received); docs are
/// not a change.
#[test]
fn changes_inside_a_type_never_go_unreported() {
    assert_eq!(
        shape_changes(|d| defs(d)["Member"]["properties"]["name"]["minLength"] = json!(1)),
        vec![(Breaking, "schema-changed"); 2]
    );
    assert_eq!(
        shape_changes(|d| { defs(d)["Untagged"]["anyOf"][1]["pattern"] = json!("^[a-z]+$") }),
        vec![(Breaking, "schema-changed"); 2]
    );
    assert_eq!(
        shape_changes(|d| defs(d)["Member"]["description"] = json!("Someone else.")),
        vec![]
    );
}

/// A change inside a referenced type does not hide one in the type that refers to it.
#[test]
fn a_change_in_a_referenced_type_does_not_hide_one_in_its_parent() {
    let changes = shape_changes(|d| {
        defs(d)["Member"]["properties"]["moderator"] = json!({"type": "string"});
        defs(d)["Bundle"]["properties"]["adjacent"]["maxItems"] = json!(3);
    });
    assert!(changes.contains(&(Breaking, "type-changed")), "{changes:?}");
    assert!(
        changes.contains(&(Breaking, "schema-changed")),
        "{changes:?}"
    );
}

/// How schemars groups an enum's unit variants (one `enum` list, or a `const` each once they
/// have docs) and the order of a tagged enum's variants are not changes.
#[test]
fn regrouped_or_reordered_tagged_variants_are_no_change() {
    assert_eq!(
        shape_changes(|d| {
            let alternatives = defs(d)["External"]["oneOf"].as_array_mut().unwrap();
            alternatives.remove(0);
            alternatives.reverse();
            alternatives.push(json!({"type": "string", "enum": ["Empty"]}));
        }),
        vec![]
    );
}

#[test]
fn the_command_exits_non_zero_on_a_breaking_change() {
    let dir = tempfile_dir();
    let old = dir.join("old.json");
    let compatible = dir.join("compatible.json");
    let breaking = dir.join("breaking.json");
    std::fs::write(&old, BASE).unwrap();
    let mut doc = base();
    procedure(&mut doc, "sleep")["timeout_ms"] = json!(900);
    std::fs::write(&compatible, serde_json::to_string(&doc).unwrap()).unwrap();
    doc["services"][0]["procedures"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "add");
    std::fs::write(&breaking, serde_json::to_string(&doc).unwrap()).unwrap();

    let run = |new: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wamp-codegen"))
            .arg("diff")
            .arg(&old)
            .arg(new)
            .output()
            .unwrap()
    };
    let same = run(&old);
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("no changes"));
    let ok = run(&compatible);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout)
        .contains("compatible com.typed.calc.sleep [timeout-changed]"));
    let bad = run(&breaking);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(
        text.contains("BREAKING   com.typed.calc.add [procedure-removed]"),
        "{text}"
    );
    let missing = run(&dir.join("missing.json"));
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn help_documents_every_command() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_wamp-codegen"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for command in ["fetch", "rust", "typescript", "docs", "diff", "schema"] {
        assert!(text.contains(command), "--help lacks {command}:\n{text}");
        let sub = std::process::Command::new(env!("CARGO_BIN_EXE_wamp-codegen"))
            .args([command, "--help"])
            .output()
            .unwrap();
        assert!(sub.status.success(), "{command} --help failed");
    }
}

/// `fetch --help` names exactly the URL schemes the transports accept, and a failure prints
/// each cause once.
#[test]
fn fetch_names_its_schemes_and_says_each_cause_once() {
    let codegen = || std::process::Command::new(env!("CARGO_BIN_EXE_wamp-codegen"));
    let help = codegen().args(["fetch", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for scheme in ["ws://", "wss://", "tcp://", "tcps://", "unix://"] {
        assert!(
            text.contains(scheme),
            "fetch --help lacks {scheme}:\n{text}"
        );
    }
    for wrong in ["rs://", "rss://", "memory:"] {
        assert!(!text.contains(wrong), "fetch --help names {wrong}:\n{text}");
    }
    // Nothing listens on port 1.
    let failed = codegen()
        .args([
            "fetch",
            "--url",
            "ws://127.0.0.1:1",
            "--realm",
            "r",
            "--service",
            "com.x",
        ])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.starts_with("wamp-codegen: cannot join r at ws://127.0.0.1:1: "),
        "{stderr}"
    );
    assert_eq!(stderr.matches("Connection refused").count(), 1, "{stderr}");
    let missing = codegen()
        .args(["rust", "/nonexistent/x.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wamp-codegen-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
