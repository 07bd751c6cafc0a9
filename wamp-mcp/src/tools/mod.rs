//! A described procedure as an MCP tool: its input schema (from the positional arguments, the
//! keyword arguments and the URI captures: [`input`]), its output schema (from the result), its
//! description (from the docs and the declared errors), and the WAMP call a tool call makes.

pub mod input;
mod schema;

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::{json, Map, Value as Json};
use wamp_core::describe::{ProcedureDescription, ServiceDescription};
use wamp_core::message::uris;
use wamp_core::{Session, WampError};

use crate::to_json;
use input::Parameters;
use schema::used_defs;

/// The key of the result in a tool's structured output: MCP wants an object there, and a WAMP
/// result is any value.
pub const RESULT_KEY: &str = "result";
/// How long a tool's call may take unless the procedure names its own timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// One described procedure, served as an MCP tool.
#[derive(Debug, Clone)]
pub struct ProcedureTool {
    /// What `tools/list` answers for it.
    pub tool: Tool,
    /// The URI (a template when it has captures).
    uri: String,
    /// The tool's parameters and where each goes.
    input: Parameters,
    /// The call's timeout.
    timeout: Duration,
    /// Whether the tool has an output schema (then a result is `{"result": ...}`).
    structured: bool,
    /// The declared errors: URI -> `Type::Variant: docs`.
    errors: Vec<(String, String)>,
}

/// Why a procedure is not served as a tool.
#[derive(Debug, thiserror::Error)]
pub enum Unserved {
    /// Its calls travel end-to-end encrypted; the bridge holds no key.
    #[error("{0}: end-to-end encrypted (the bridge holds no key)")]
    Encrypted(String),
    /// Its tool name would not be a valid MCP tool name.
    #[error("{0}: not a valid MCP tool name")]
    Name(String),
    /// Two of its parameters (a capture, a positional or a keyword argument) share a name.
    #[error("{0}: two parameters are named {1:?}")]
    Clash(String, String),
}

impl ProcedureTool {
    /// The tool for `procedure` of `service`, named `<prefix>.<method>`.
    pub fn new(
        service: &ServiceDescription,
        procedure: &ProcedureDescription,
    ) -> Result<Self, Unserved> {
        let name = format!("{}.{}", service.prefix, procedure.name);
        if procedure.encrypted {
            return Err(Unserved::Encrypted(name));
        }
        if name.is_empty()
            || name.len() > 128
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(Unserved::Name(name));
        }
        let input = Parameters::of(service, procedure)
            .map_err(|clash| Unserved::Clash(name.clone(), clash.0))?;
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Json::Object(input.properties.clone()));
        schema.insert("required".into(), json!(input.required));
        schema.insert("additionalProperties".into(), json!(false));
        let defs = used_defs(service, &input.properties);
        if !defs.is_empty() {
            schema.insert("$defs".into(), Json::Object(defs));
        }
        let errors = declared_errors(service, procedure);
        let mut tool = Tool::new(name, description(procedure, &errors), Arc::new(schema))
            .with_title(format!("{} {}", service.name, procedure.name))
            .with_annotations(
                ToolAnnotations::new()
                    .idempotent(procedure.idempotent)
                    .open_world(true),
            );
        let result = match (&procedure.progress, &procedure.result) {
            // A caller that does not ask for progress gets every progressive result in one list.
            (Some(item), _) => Some(json!({"type": "array", "items": item})),
            (None, result) => result.clone(),
        };
        if let Some(result) = &result {
            let mut output = JsonObject::new();
            output.insert("type".into(), json!("object"));
            output.insert("properties".into(), json!({ RESULT_KEY: result }));
            output.insert("required".into(), json!([RESULT_KEY]));
            let defs = used_defs(service, result);
            if !defs.is_empty() {
                output.insert("$defs".into(), Json::Object(defs));
            }
            tool = tool.with_raw_output_schema(Arc::new(output));
        }
        Ok(Self {
            tool,
            uri: procedure.uri.clone(),
            input,
            timeout: procedure
                .timeout_ms
                .map_or(DEFAULT_TIMEOUT, Duration::from_millis),
            structured: result.is_some(),
            errors,
        })
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        &self.tool.name
    }

    /// Makes the WAMP call for a tool call with `arguments`, and answers the tool result: the
    /// WAMP result, or an error result (the ERROR's URI, payload and the declared error it is).
    pub async fn call(&self, session: &Session, arguments: JsonObject) -> CallToolResult {
        let (uri, payload) = match self.input.build(&self.uri, arguments) {
            Ok(built) => built,
            Err(message) => {
                return failure(json!({ "error": uris::INVALID_ARGUMENT, "message": message }))
            }
        };
        let outcome = session
            .call(uri)
            .arguments(payload)
            .timeout(self.timeout)
            .await;
        match outcome {
            Ok(result) => {
                // args[0], else a kwargs-only result's dict (as typed callers read it).
                let first = match result.arguments.args.first() {
                    Some(value) => Some(to_json(value)),
                    None if !result.arguments.kwargs.is_empty() => Some(Json::Object(
                        result
                            .arguments
                            .kwargs
                            .iter()
                            .map(|(k, v)| (k.clone(), to_json(v)))
                            .collect(),
                    )),
                    None => None,
                };
                match (self.structured, first) {
                    (true, value) => CallToolResult::structured(
                        json!({ RESULT_KEY: value.unwrap_or(Json::Null) }),
                    ),
                    (false, Some(value)) => {
                        CallToolResult::success(vec![ContentBlock::text(value.to_string())])
                    }
                    (false, None) => CallToolResult::success(vec![ContentBlock::text("done")]),
                }
            }
            Err(wamp_core::Error::Wamp(error)) => failure(self.wamp_error(&error)),
            // No ERROR came back (a timeout, the connection lost): no URI to give.
            Err(other) => failure(json!({ "error": null, "message": other.to_string() })),
        }
    }

    /// An ERROR as a tool error's content.
    fn wamp_error(&self, error: &WampError) -> Json {
        let declared = self
            .errors
            .iter()
            .find(|(uri, _)| *uri == error.uri)
            .map(|(_, what)| what.clone());
        json!({
            "error": error.uri,
            "declared": declared,
            "args": error.args.iter().map(to_json).collect::<Vec<_>>(),
            "kwargs": error.kwargs.iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<Map<_, _>>(),
        })
    }
}

/// A tool error whose content is `body`, as JSON text.
fn failure(body: Json) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(body.to_string())])
}

/// The declared errors of a procedure: (URI, `Type::Variant: docs`).
fn declared_errors(
    service: &ServiceDescription,
    procedure: &ProcedureDescription,
) -> Vec<(String, String)> {
    let Some(error_type) = procedure
        .error
        .as_deref()
        .and_then(|name| service.error_type(name))
    else {
        return Vec::new();
    };
    error_type
        .variants
        .iter()
        .map(|v| {
            let what = format!("{}::{}", error_type.name, v.name);
            let what = if v.docs.is_empty() {
                what
            } else {
                format!("{what}: {}", v.docs)
            };
            (v.uri.clone(), what)
        })
        .collect()
}

/// The tool description: the docs, a deprecation, the declared errors.
fn description(procedure: &ProcedureDescription, errors: &[(String, String)]) -> String {
    let mut text = if procedure.docs.is_empty() {
        format!("Calls {}.", procedure.uri)
    } else {
        procedure.docs.clone()
    };
    if let Some(note) = &procedure.deprecated {
        text.push_str(&format!("\n\nDeprecated. {note}"));
    }
    if !errors.is_empty() {
        text.push_str("\n\nErrors (a tool error whose `error` is the URI):");
        for (uri, what) in errors {
            text.push_str(&format!("\n- {uri}: {what}"));
        }
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests;
