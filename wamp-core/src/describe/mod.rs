//! Interface descriptions: what a typed service offers, as data.
//!
//! Every `#[wamp_service]` trait describes itself ([`ServiceClient::description`]): each
//! procedure with its URI, docs, argument, result, progress and error schemas and its options,
//! and each declared topic with its payload schema. Schemas are JSON Schema (draft 2020-12) made
//! by [schemars](https://docs.rs/schemars) from the Rust types, so the description comes from
//! the code and cannot drift from it.
//!
//! A [`Document`] holds one or more service descriptions; it is the JSON file format that
//! `wamp-codegen` reads (its JSON Schema is `wamp-codegen/schema/wamp-interface.v1.json`).
//! A running service answers `<prefix>.describe` with its document, unless it opted out with
//! `#[wamp_service(describe = false)]`.
//!
//! # Schemas on the wire
//! - `args` describes the positional arguments as an array schema: `prefixItems` in order, each
//!   titled with its parameter's name; `minItems` counts up to the last required one.
//! - `kwargs` describes the keyword arguments as an object schema (`properties`, `required`).
//!   When one parameter is the whole keyword dictionary, `kwargs` is that parameter's schema with
//!   its name as `title`.
//! - A parameter is required unless its schema accepts `null` (an `Option`): the callee decodes
//!   a missing argument from `null`.
//! - `$ref`s point into the service's own `$defs` (`#/$defs/Name`): resolve them against the
//!   service object, see [`ServiceDescription::resolve`].
//!
//! [`ServiceClient::description`]: crate::typed::ServiceClient::description

pub(crate) mod build;
mod schema;

pub use build::{ProcedureBuilder, ServiceBuilder};
pub use schema::{accepts_null, resolve};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::message::MatchPolicy;
use crate::message::{CancelMode, InvokePolicy};

/// The document format's version, the value of [`Document::wamp_interface`]. A reader refuses
/// documents of another version.
pub const FORMAT_VERSION: u32 = 1;

/// The suffix of the procedure that answers a service's description: `<prefix>.describe`.
pub const DESCRIBE_SUFFIX: &str = "describe";

/// The REGISTER option carrying the first line of a procedure's docs.
///
/// Implementation-specific keys must match `_[a-z0-9_]{3,}` (WAMP spec, "Messages": options
/// and details). Autobahn and Crossbar name their own custom attributes `x_...` instead, and
/// Crossbar ignores keys it does not know, as the spec requires; `crossbar` tests check that a
/// registration with these options is accepted.
pub const REGISTER_DOC_OPTION: &str = "_description";

/// The REGISTER option naming the procedure that answers the whole description.
pub const REGISTER_INTERFACE_OPTION: &str = "_interface";

/// The REGISTER option that asks a router that validates payloads (`wamp-router`) to check this
/// registration's calls against its description, when the realm does not check them all.
pub const REGISTER_VALIDATE_OPTION: &str = "_validate";

/// A description file: one or more services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The format version, [`FORMAT_VERSION`].
    pub wamp_interface: u32,
    /// The services, each under its own prefix.
    pub services: Vec<ServiceDescription>,
}

/// A description document that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON, or not the shape of a description document.
    #[error("not a WAMP interface description: {0}")]
    Format(#[from] serde_json::Error),
    /// A document of another format version.
    #[error(
        "interface description format version {found}, this reader knows version {FORMAT_VERSION}"
    )]
    Version {
        /// The version the document declares.
        found: u64,
    },
}

impl Document {
    /// A document of the current version holding `services`.
    pub fn new(services: Vec<ServiceDescription>) -> Self {
        Self {
            wamp_interface: FORMAT_VERSION,
            services,
        }
    }

    /// Reads a document from JSON, refusing other format versions.
    pub fn from_json(text: &str) -> Result<Self, DocumentError> {
        let value: Json = serde_json::from_str(text)?;
        Self::from_json_value(value)
    }

    /// Reads a document from a JSON value, refusing other format versions.
    pub fn from_json_value(value: Json) -> Result<Self, DocumentError> {
        match value.get("wamp_interface").and_then(Json::as_u64) {
            Some(v) if v == u64::from(FORMAT_VERSION) => Ok(serde_json::from_value(value)?),
            Some(found) => Err(DocumentError::Version { found }),
            None => Ok(serde_json::from_value(value)?),
        }
    }

    /// The document as pretty JSON, ending with a newline (the golden-file form).
    pub fn to_json_pretty(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The service under `prefix`.
    pub fn service(&self, prefix: &str) -> Option<&ServiceDescription> {
        self.services.iter().find(|s| s.prefix == prefix)
    }
}

/// One typed service: a `#[wamp_service]` trait.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDescription {
    /// The trait's name (`Calculator`); generated clients are named after it.
    pub name: String,
    /// The URI prefix of the service.
    pub prefix: String,
    /// The trait's documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// Every procedure, in declaration order.
    pub procedures: Vec<ProcedureDescription>,
    /// Every declared event topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicDescription>,
    /// The error types the procedures declare.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorTypeDescription>,
    /// Named schemas the other schemas refer to as `#/$defs/Name`.
    #[serde(rename = "$defs", default, skip_serializing_if = "Map::is_empty")]
    pub defs: Map<String, Json>,
}

impl ServiceDescription {
    /// The URI answering this service's description, `<prefix>.describe`.
    pub fn describe_uri(&self) -> String {
        format!("{}.{DESCRIBE_SUFFIX}", self.prefix)
    }

    /// The procedure named `name` (the Rust method name).
    pub fn procedure(&self, name: &str) -> Option<&ProcedureDescription> {
        self.procedures.iter().find(|p| p.name == name)
    }

    /// The error type named `name`.
    pub fn error_type(&self, name: &str) -> Option<&ErrorTypeDescription> {
        self.errors.iter().find(|e| e.name == name)
    }

    /// `schema` with `$ref`s into this service's `$defs` followed, up to a bound.
    pub fn resolve<'a>(&'a self, schema: &'a Json) -> &'a Json {
        resolve(schema, &self.defs)
    }
}

/// One procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDescription {
    /// The Rust method name.
    pub name: String,
    /// The URI registered (a pattern unless `match` is `exact`). A component `{name}` is a
    /// capture: the parameter `name` (see `captures`) fills it in, and the dealer matches it as
    /// the empty component of a wildcard pattern.
    pub uri: String,
    /// The method's documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// How `uri` is matched.
    #[serde(rename = "match", default, skip_serializing_if = "is_default")]
    pub match_policy: MatchPolicy,
    /// How a shared registration picks its callee.
    #[serde(default, skip_serializing_if = "is_default")]
    pub invoke: InvokePolicy,
    /// The client-side timeout, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Whether the callee asks the dealer for the caller's identity.
    #[serde(default, skip_serializing_if = "is_default")]
    pub disclose_caller: bool,
    /// How the generated client cancels an abandoned call.
    pub cancel: CancelMode,
    /// The positional arguments: an array schema.
    pub args: Json,
    /// The keyword arguments: an object schema.
    pub kwargs: Json,
    /// The captures of `uri`: an object schema, one property per `{name}` component. A value
    /// travels as the component's text (a string as it is, a number or boolean written out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captures: Option<Json>,
    /// The result (`args[0]` of the RESULT); absent when the procedure answers nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Json>,
    /// For a progressive procedure, the schema of each progressive result's `args[0]`; a
    /// caller that does not ask for progress gets them all as one list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Json>,
    /// For a procedure whose parameter is a stream (progressive call invocations), the schema
    /// of each item: every positional argument of every CALL of the call is one item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Json>,
    /// The error type (an entry of the service's `errors`) the procedure declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether calls, results and errors travel end-to-end encrypted (WAMP-cryptobox): the
    /// callee refuses a call in the clear, and callers need a key (never described here).
    #[serde(default, skip_serializing_if = "is_default")]
    pub encrypted: bool,
    /// `#[deprecated]`: the note (empty when it has none); absent when not deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// `#[wamp(idempotent)]`: calling twice does no harm, so clients may retry a call whose
    /// answer was lost.
    #[serde(default, skip_serializing_if = "is_default")]
    pub idempotent: bool,
}

/// A declared event topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicDescription {
    /// The Rust event type's name.
    pub name: String,
    /// The topic URI. A component `{name}` is a capture: the event's field `name`, which the
    /// publisher writes into the topic (and the payload); subscribers subscribe the wildcard
    /// pattern with each capture an empty component.
    pub uri: String,
    /// The event type's documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// How the event travels.
    pub payload: PayloadKind,
    /// The EVENT's positional arguments (`args` and `value` payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Json>,
    /// The EVENT's keyword arguments (`kwargs` payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kwargs: Option<Json>,
    /// Whether events travel end-to-end encrypted (WAMP-cryptobox): typed subscribers drop
    /// events in the clear, and publishers and subscribers need a key (never described here).
    #[serde(default, skip_serializing_if = "is_default")]
    pub encrypted: bool,
    /// `#[deprecated]` on the event type: the note (empty when it has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
}

/// How a typed event's payload travels (`#[wamp(payload = ...)]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PayloadKind {
    /// The value's fields as `kwargs`.
    Kwargs,
    /// The value's fields as positional `args`.
    Args,
    /// The whole value as `args[0]`.
    Value,
}

/// A Rust error type (`#[derive(WampError)]`): a set of error URIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorTypeDescription {
    /// The Rust type's name.
    pub name: String,
    /// The type's documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// One entry per variant (one for a struct).
    pub variants: Vec<ErrorDescription>,
}

/// One error URI and its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDescription {
    /// The variant's name (the type's name for a struct).
    pub name: String,
    /// The ERROR's URI.
    pub uri: String,
    /// The variant's documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// The ERROR's positional arguments (tuple fields), as an array schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Json>,
    /// The ERROR's keyword arguments (named fields), as an object schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kwargs: Option<Json>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
