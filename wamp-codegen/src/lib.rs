//! Interface descriptions of typed WAMP services, and what is made from them.
//!
//! A `#[wamp_service]` trait describes itself (see [`wamp_core::describe`]); its description
//! is a JSON document (the format's JSON Schema is `schema/wamp-interface.v1.json` in this
//! crate) that this crate turns into:
//! - a typed Rust client module ([`rust`]), from `build.rs` or the command line;
//! - a typed TypeScript client over autobahn-js ([`typescript`]);
//! - a Markdown API reference ([`markdown`]);
//! - a list of breaking and compatible changes between two versions ([`diff`]).
//!
//! [`fetch`] reads a description from a running service (`<prefix>.describe`). The
//! `wamp-codegen` command line does each of these; `wamp-codegen --help` lists them.
//!
//! ```
//! use wamp_codegen::{diff, markdown, rust, typescript, Document};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A description, as `<prefix>.describe` answers it or `FooClient::description()` gives it.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../interfaces/com.example.calc.json");
//! let document: Document = wamp_codegen::read_document(path)?;
//! assert!(wamp_codegen::warnings(&document).is_empty()); // every schema is typed
//!
//! let client = rust::generate(&document)?; // a module with `CalculatorClient`
//! assert!(client.contains("pub trait Calculator"));
//! assert!(typescript::generate(&document).contains("export class CalculatorClient"));
//! assert!(markdown::render(&document).contains("com.example.calc.add"));
//! assert!(!diff::diff(&document, &document).is_breaking());
//! # Ok(()) }
//! ```
//!
//! The crate has no cargo features. The guide: [`guide`] (the workflow, what is generated,
//! comparing versions).
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod api;
#[doc = include_str!("../../docs/codegen.md")]
pub mod guide {}
pub mod diff;
pub mod fetch;
pub mod golden;
pub mod markdown;
pub mod rust;
mod types;
pub mod typescript;

use std::path::Path;

pub use wamp_core::describe::{Document, DocumentError, ServiceDescription};

/// Why a description could not be read or turned into code. The cause, where there is one,
/// is the error's [`source`](std::error::Error::source), not repeated in its message: print
/// the chain (`{:#}` with anyhow) to see both.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(String, #[source] std::io::Error),
    /// The file is not a description document.
    #[error("{0} is not a description document")]
    Document(String, #[source] DocumentError),
    /// The generated Rust did not parse (a bug in the generator; the message says where).
    #[error("generated Rust does not parse: {0}")]
    Rust(String),
    /// `write_client` was called outside a build script.
    #[error("OUT_DIR is not set: call this from build.rs")]
    NoOutDir,
}

/// Each schema in `document` that code generation cannot type, so that the Rust, TypeScript
/// and Markdown outputs give it as an untyped JSON value (`serde_json::Value`, `unknown`): the
/// service, the type it sits in and what the schema is. Empty for every description that
/// `#[wamp_service]` makes from serde types. The command line prints these on standard error;
/// [`rust::write_client`] passes them to Cargo as build warnings.
pub fn warnings(document: &Document) -> Vec<String> {
    document
        .services
        .iter()
        .flat_map(|service| {
            api::Api::new(service)
                .types
                .warnings
                .into_iter()
                .map(move |w| format!("{}: {w}", service.prefix))
        })
        .collect()
}

/// Reads a description document from a file.
pub fn read_document(path: impl AsRef<Path>) -> Result<Document, GenerateError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| GenerateError::Io(path.display().to_string(), e))?;
    Document::from_json(&text).map_err(|e| GenerateError::Document(path.display().to_string(), e))
}

/// The JSON Schema of the description document format, made from the model types (the file
/// `schema/wamp-interface.v1.json` is this, checked by a test).
pub fn document_schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
