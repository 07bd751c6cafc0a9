//! A described procedure as an MCP tool: its input schema (from the positional arguments, the
//! keyword arguments and the URI captures), its output schema (from the result), its
//! description (from the docs and the declared errors), and the WAMP call a tool call makes.

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::{json, Map, Value as Json};
use wamp_core::describe::{ProcedureDescription, ServiceDescription};
use wamp_core::message::uris;
use wamp_core::{Arguments, Session, WampError};

use crate::to_json;

/// The key of the result in a tool's structured output: MCP wants an object there, and a WAMP
/// result is any value.
pub const RESULT_KEY: &str = "result";
/// The tool parameter that carries the whole positional argument list, for a procedure whose
/// positional arguments are one list schema rather than named parameters.
pub const ARGS_KEY: &str = "args";
/// The tool parameter that carries the whole keyword argument dict, for a procedure whose
/// keyword arguments are a map rather than named fields.
pub const KWARGS_KEY: &str = "kwargs";
/// The tool parameter that carries the items of a stream parameter (progressive call
/// invocations), sent as the positional arguments of one CALL.
pub const ITEMS_KEY: &str = "items";

/// How long a tool's call may take unless the procedure names its own timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where a tool parameter goes in the CALL.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// `args[i]`.
    Positional(usize),
    /// The whole `args` list.
    AllArgs,
    /// `kwargs[name]`.
    Keyword,
    /// The whole `kwargs` dict.
    AllKwargs,
    /// The URI component `{name}`.
    Capture,
}

/// One described procedure, served as an MCP tool.
#[derive(Debug, Clone)]
pub struct ProcedureTool {
    /// What `tools/list` answers for it.
    pub tool: Tool,
    /// The URI (a template when it has captures).
    uri: String,
    /// Each tool parameter and where it goes.
    slots: Vec<(String, Slot)>,
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
        let mut input = Parameters::default();
        if let Some(item) = &procedure.input {
            input.add(
                ITEMS_KEY,
                json!({"type": "array", "items": item}),
                true,
                Slot::AllArgs,
            );
        } else {
            input.positional(service, &procedure.args);
        }
        input.keywords(service, &procedure.kwargs);
        if let Some(captures) = &procedure.captures {
            input.captures(service, captures);
        }
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
            slots: input.slots,
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
        let (uri, payload) = match self.build(arguments) {
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
                let first = result.arguments.args.first().map(to_json);
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

    /// The CALL's URI (captures filled in) and arguments from a tool call's arguments.
    fn build(&self, mut arguments: JsonObject) -> Result<(String, Arguments), String> {
        let mut payload = Arguments::default();
        let mut positional: Vec<(usize, Json)> = Vec::new();
        let mut args_list: Option<Vec<Json>> = None;
        let mut kwargs = Map::new();
        let mut uri = self.uri.clone();
        for (name, slot) in &self.slots {
            let Some(value) = arguments.remove(name) else {
                continue;
            };
            match slot {
                Slot::Positional(i) => positional.push((*i, value)),
                Slot::AllArgs => match value {
                    Json::Array(items) => args_list = Some(items),
                    _ => return Err(format!("{name} must be an array")),
                },
                Slot::Keyword => {
                    kwargs.insert(name.clone(), value);
                }
                Slot::AllKwargs => match value {
                    Json::Object(map) => kwargs.extend(map),
                    _ => return Err(format!("{name} must be an object")),
                },
                Slot::Capture => {
                    let text = match value {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    if text.is_empty()
                        || text.contains(['.', '#'])
                        || text.contains(char::is_whitespace)
                    {
                        return Err(format!("{name} is not a URI component: {text:?}"));
                    }
                    uri = uri.replace(&format!("{{{name}}}"), &text);
                }
            }
        }
        if let Some(unknown) = arguments.keys().next() {
            return Err(format!("unknown parameter {unknown:?}"));
        }
        positional.sort_by_key(|(i, _)| *i);
        let mut args = args_list.unwrap_or_default();
        for (i, value) in positional {
            // Optional positional parameters may be left out only from the end.
            if i != args.len() {
                return Err(format!("positional parameter {} is missing", args.len()));
            }
            args.push(value);
        }
        payload.args = wamp_core::value::to_args(&args).map_err(|e| e.to_string())?;
        payload.kwargs = wamp_core::value::to_kwargs(&kwargs).map_err(|e| e.to_string())?;
        Ok((uri, payload))
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

/// The entries of the service's `$defs` that `schemas` refer to, directly or through another.
fn used_defs(service: &ServiceDescription, schemas: &impl serde::Serialize) -> Map<String, Json> {
    let mut used = Map::new();
    let mut pending = vec![serde_json::to_value(schemas).unwrap_or_default()];
    while let Some(schema) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&schema, &mut refs);
        for name in refs {
            if let (false, Some(def)) = (used.contains_key(&name), service.defs.get(&name)) {
                used.insert(name, def.clone());
                pending.push(def.clone());
            }
        }
    }
    used
}

/// The names `"$ref": "#/$defs/<name>"` in `schema` refers to.
fn collect_refs(schema: &Json, refs: &mut Vec<String>) {
    match schema {
        Json::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                refs.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Json::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
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

/// The tool parameters being gathered.
#[derive(Debug, Default)]
struct Parameters {
    properties: Map<String, Json>,
    required: Vec<String>,
    slots: Vec<(String, Slot)>,
}

impl Parameters {
    /// Adds one parameter, unless a parameter of that name is there (a keyword argument named
    /// like a positional parameter fills the same slot, as typed callees read it).
    fn add(&mut self, name: &str, schema: Json, required: bool, slot: Slot) {
        if self.properties.contains_key(name) {
            return;
        }
        self.properties.insert(name.to_owned(), schema);
        if required {
            self.required.push(name.to_owned());
        }
        self.slots.push((name.to_owned(), slot));
    }

    /// The positional arguments: one parameter per `prefixItems` entry, named by its title,
    /// else the whole list as `args`.
    fn positional(&mut self, service: &ServiceDescription, args: &Json) {
        let resolved = service.resolve(args);
        if let Some(items) = resolved.get("prefixItems").and_then(Json::as_array) {
            let min = resolved.get("minItems").and_then(Json::as_u64).unwrap_or(0);
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .get("title")
                    .and_then(Json::as_str)
                    .map_or_else(|| format!("arg{i}"), str::to_owned);
                self.add(&name, item.clone(), (i as u64) < min, Slot::Positional(i));
            }
        } else if resolved.get("maxItems").and_then(Json::as_u64) != Some(0) {
            let required = resolved.get("minItems").and_then(Json::as_u64).unwrap_or(0) > 0;
            self.add(ARGS_KEY, args.clone(), required, Slot::AllArgs);
        }
    }

    /// The keyword arguments: one parameter per property, else (a map) the whole dict as
    /// `kwargs`.
    fn keywords(&mut self, service: &ServiceDescription, kwargs: &Json) {
        let resolved = service.resolve(kwargs);
        match resolved.get("properties").and_then(Json::as_object) {
            Some(properties) => {
                let required: Vec<&str> = resolved
                    .get("required")
                    .and_then(Json::as_array)
                    .map(|r| r.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                for (name, schema) in properties {
                    let needed = required.contains(&name.as_str());
                    self.add(name, schema.clone(), needed, Slot::Keyword);
                }
            }
            None if resolved.get("additionalProperties").is_some() => {
                self.add(KWARGS_KEY, kwargs.clone(), false, Slot::AllKwargs);
            }
            None => {}
        }
    }

    /// The URI captures: one required parameter each.
    fn captures(&mut self, service: &ServiceDescription, captures: &Json) {
        let resolved = service.resolve(captures);
        if let Some(properties) = resolved.get("properties").and_then(Json::as_object) {
            for (name, schema) in properties {
                self.add(name, schema.clone(), true, Slot::Capture);
            }
        }
    }
}
