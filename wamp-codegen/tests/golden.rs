//! Golden files of what is generated from the committed descriptions (`interfaces/*.json`):
//! the Rust client, the TypeScript client and the Markdown reference of each, and the JSON
//! Schema of the document format. Rerun with `WAMP_GOLDEN=overwrite` after an intended change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use wamp_codegen::{golden, markdown, read_document, rust, typescript};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn descriptions() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("interfaces"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the descriptions are missing: {files:?}");
    files
}

fn generated(description: &Path, extension: &str) -> PathBuf {
    let stem = description
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    root()
        .join("interfaces/generated")
        .join(format!("{stem}.{extension}"))
}

#[test]
fn generated_code_and_docs_match_their_golden_files() {
    let mut failures = Vec::new();
    for description in descriptions() {
        let document = read_document(&description).unwrap();
        // Every committed description is typed through and through: no warning.
        let warnings = wamp_codegen::warnings(&document);
        if !warnings.is_empty() {
            failures.push(format!("{}: {warnings:?}", description.display()));
        }
        let outputs = [
            ("rs", rust::generate(&document).unwrap()),
            ("ts", typescript::generate(&document)),
            ("md", markdown::render(&document)),
        ];
        for (extension, text) in outputs {
            if let Err(e) = golden::check(generated(&description, extension), &text) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_document_format_schema_matches_its_file() {
    let path = root().join("wamp-codegen/schema/wamp-interface.v1.json");
    golden::check(path, &wamp_codegen::document_schema()).unwrap();
}

#[test]
fn other_format_versions_are_refused() {
    let text = r#"{"wamp_interface": 2, "services": []}"#;
    let e = wamp_codegen::Document::from_json(text).unwrap_err();
    assert!(e.to_string().contains("version 2"), "{e}");
    let e = wamp_codegen::Document::from_json(r#"{"wamp_interface": 1, "services": [], "x": 1}"#)
        .unwrap_err();
    assert!(e.to_string().contains("unknown field"), "{e}");
}

/// A schema that cannot be typed is said, loudly and by name: by `warnings`, on the command
/// line's standard error, and as a Cargo warning from `write_client`; what can be typed
/// (a list of types, a constant) is.
#[test]
fn what_cannot_be_typed_is_warned_about_by_name() {
    let document = serde_json::json!({
        "wamp_interface": 1,
        "services": [{
            "name": "Odd", "prefix": "com.odd",
            "procedures": [{
                "name": "p", "uri": "com.odd.p", "cancel": "kill",
                "args": {"type": "array", "prefixItems": [
                    {"title": "either", "type": ["string", "integer"]},
                    {"title": "fixed", "const": 3}
                ]},
                "kwargs": {"type": "object", "properties": {}},
                "result": {"$ref": "#/$defs/Both"}
            }],
            "$defs": {
                "Both": {"type": "object", "properties": {
                    "merged": {"allOf": [{"type": "string"}, {"minLength": 1}]},
                    "never": {"not": {}},
                    "missing": {"$ref": "#/$defs/Gone"}
                }}
            }
        }]
    });
    let path = std::env::temp_dir().join(format!("wamp-codegen-odd-{}.json", std::process::id()));
    std::fs::write(&path, document.to_string()).unwrap();
    let document = read_document(&path).unwrap();
    let warnings = wamp_codegen::warnings(&document);
    assert_eq!(
        warnings,
        vec![
            "com.odd: `BothMerged`: `allOf` of 2 schemas cannot be typed; it is generated as an untyped JSON value",
            "com.odd: `BothNever`: a schema with `not` cannot be typed; it is generated as an untyped JSON value",
            "com.odd: `BothMissing`: the reference `#/$defs/Gone` (not in `$defs`) cannot be typed; it is generated as an untyped JSON value",
        ]
    );
    // The rest is typed: an untagged enum for the list of types, an integer for the constant.
    let code = rust::generate(&document).unwrap();
    assert!(
        code.contains("Text(String)") && code.contains("Integer(i64)"),
        "{code}"
    );
    assert!(code.contains("fixed: Option<i64>"), "{code}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wamp-codegen"))
        .arg("rust")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("warning: ")),
        "{stderr}"
    );
    assert!(
        stderr.contains("`BothMerged`: `allOf` of 2 schemas"),
        "{stderr}"
    );
    std::fs::remove_file(&path).unwrap();
}
