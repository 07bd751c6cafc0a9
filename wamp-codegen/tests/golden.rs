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
