//! A tool's parameters, gathered from a procedure's description, and the CALL a tool call's
//! arguments make: its URI (captures filled in, or the concrete URI of a pattern) and its
//! positional and keyword arguments, as typed callees read them.

use serde_json::{json, Map, Value as Json};
use wamp_core::describe::{ProcedureDescription, ServiceDescription};
use wamp_core::{Arguments, MatchPolicy};

use super::schema::accepts_null;

/// The tool parameter that carries the whole positional argument list, for a procedure whose
/// positional arguments are one list schema rather than named parameters.
pub const ARGS_KEY: &str = "args";
/// The tool parameter that carries the whole keyword argument dict, for a procedure whose
/// keyword arguments are a map rather than named fields.
pub const KWARGS_KEY: &str = "kwargs";
/// The tool parameter that carries the items of a stream parameter (progressive call
/// invocations), sent as the positional arguments of one CALL.
pub const ITEMS_KEY: &str = "items";
/// The tool parameter that names the concrete URI to call, for a prefix or wildcard
/// registration without captures.
pub const PROCEDURE_KEY: &str = "procedure";

/// Two parameters of one procedure would share this name.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Clash(pub(super) String);

/// Where a tool parameter goes in the CALL.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Slot {
    /// `args[i]`; whether `null` stands for it when it is left out before a later one.
    Positional(usize, bool),
    /// The whole `args` list.
    AllArgs,
    /// `kwargs[name]`.
    Keyword,
    /// The whole `kwargs` dict.
    AllKwargs,
    /// The URI component `{name}`.
    Capture,
    /// The concrete URI matching the registered pattern.
    Procedure(MatchPolicy),
}

/// The tool parameters of a procedure.
#[derive(Debug, Default, Clone)]
pub(super) struct Parameters {
    /// Name -> schema.
    pub(super) properties: Map<String, Json>,
    /// The names that must be given.
    pub(super) required: Vec<String>,
    /// Each name and where it goes.
    slots: Vec<(String, Slot)>,
}

impl Parameters {
    /// The parameters of `procedure`: its captures (or its concrete URI, for a pattern), then
    /// its positional arguments (or the items of its stream parameter), then its keyword
    /// arguments. Two that would share a name leave the procedure out.
    pub(super) fn of(
        service: &ServiceDescription,
        procedure: &ProcedureDescription,
    ) -> Result<Self, Clash> {
        let mut input = Self::default();
        match (&procedure.captures, procedure.match_policy) {
            (Some(captures), _) => input.captures(service, captures)?,
            (None, MatchPolicy::Exact) => {}
            (None, policy) => {
                let what = match policy {
                    MatchPolicy::Prefix => format!("A URI that starts with {}", procedure.uri),
                    _ => format!(
                        "A URI matching {} (an empty component stands for any one)",
                        procedure.uri
                    ),
                };
                let schema = json!({"type": "string", "description": what});
                input.add(PROCEDURE_KEY, schema, true, Slot::Procedure(policy))?;
            }
        }
        match &procedure.input {
            Some(item) => {
                let schema = json!({"type": "array", "items": item});
                input.add(ITEMS_KEY, schema, true, Slot::AllArgs)?;
            }
            None => input.positional(service, &procedure.args)?,
        }
        input.keywords(service, &procedure.kwargs)?;
        Ok(input)
    }

    /// Adds one parameter; a name already taken leaves the procedure out.
    fn add(&mut self, name: &str, schema: Json, required: bool, slot: Slot) -> Result<(), Clash> {
        if self.properties.contains_key(name) {
            return Err(Clash(name.to_owned()));
        }
        self.properties.insert(name.to_owned(), schema);
        if required {
            self.required.push(name.to_owned());
        }
        self.slots.push((name.to_owned(), slot));
        Ok(())
    }

    /// The positional arguments: one parameter per `prefixItems` entry, named by its title
    /// (optional where it accepts null, as typed callees read a missing one), else the whole
    /// list as `args`.
    fn positional(&mut self, service: &ServiceDescription, args: &Json) -> Result<(), Clash> {
        let resolved = service.resolve(args);
        if let Some(items) = resolved.get("prefixItems").and_then(Json::as_array) {
            let min = resolved.get("minItems").and_then(Json::as_u64).unwrap_or(0);
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .get("title")
                    .and_then(Json::as_str)
                    .map_or_else(|| format!("arg{i}"), str::to_owned);
                let nullable = accepts_null(service, item);
                let required = (i as u64) < min && !nullable;
                self.add(&name, item.clone(), required, Slot::Positional(i, nullable))?;
            }
        } else if resolved.get("maxItems").and_then(Json::as_u64) != Some(0) {
            let required = resolved.get("minItems").and_then(Json::as_u64).unwrap_or(0) > 0;
            self.add(ARGS_KEY, args.clone(), required, Slot::AllArgs)?;
        }
        Ok(())
    }

    /// The keyword arguments: one parameter per property, else (a map) the whole dict as
    /// `kwargs`.
    fn keywords(&mut self, service: &ServiceDescription, kwargs: &Json) -> Result<(), Clash> {
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
                    self.add(name, schema.clone(), needed, Slot::Keyword)?;
                }
            }
            None if resolved.get("additionalProperties").is_some() => {
                self.add(KWARGS_KEY, kwargs.clone(), false, Slot::AllKwargs)?;
            }
            None => {}
        }
        Ok(())
    }

    /// The URI captures: one required parameter each.
    fn captures(&mut self, service: &ServiceDescription, captures: &Json) -> Result<(), Clash> {
        let resolved = service.resolve(captures);
        if let Some(properties) = resolved.get("properties").and_then(Json::as_object) {
            for (name, schema) in properties {
                self.add(name, schema.clone(), true, Slot::Capture)?;
            }
        }
        Ok(())
    }

    /// The CALL's URI and arguments for a tool call's `arguments`, or why they do not make one.
    pub(super) fn build(
        &self,
        uri: &str,
        mut arguments: Map<String, Json>,
    ) -> Result<(String, Arguments), String> {
        if let Some(missing) = self.required.iter().find(|n| !arguments.contains_key(*n)) {
            return Err(format!("missing parameter {missing:?}"));
        }
        let mut positional: Vec<(usize, bool, Json)> = Vec::new();
        let mut args_list: Option<Vec<Json>> = None;
        let mut kwargs = Map::new();
        let mut uri = uri.to_owned();
        for (name, slot) in &self.slots {
            let Some(value) = arguments.remove(name) else {
                continue;
            };
            match slot {
                Slot::Positional(i, nullable) => positional.push((*i, *nullable, value)),
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
                    let text = component(name, value)?;
                    uri = uri.replace(&format!("{{{name}}}"), &text);
                }
                Slot::Procedure(policy) => match value {
                    Json::String(concrete) if matches(&uri, *policy, &concrete) => uri = concrete,
                    other => return Err(format!("{other} does not match {uri}")),
                },
            }
        }
        if let Some(unknown) = arguments.keys().next() {
            return Err(format!("unknown parameter {unknown:?}"));
        }
        positional.sort_by_key(|(i, _, _)| *i);
        let mut args = args_list.unwrap_or_default();
        for (i, _, value) in positional {
            // A positional argument left out before a later one is null where that stands for
            // "absent" (an Option); elsewhere the call cannot be made.
            while args.len() < i {
                let gap = args.len();
                let nullable = self
                    .slots
                    .iter()
                    .any(|(_, s)| *s == Slot::Positional(gap, true));
                if !nullable {
                    return Err(format!("positional parameter {gap} is missing"));
                }
                args.push(Json::Null);
            }
            args.push(value);
        }
        let args = wamp_core::value::to_args(&args).map_err(|e| e.to_string())?;
        let kwargs = wamp_core::value::to_kwargs(&kwargs).map_err(|e| e.to_string())?;
        Ok((uri, Arguments { args, kwargs }))
    }
}

/// A capture's value as its URI component: a string as it is, an integer or a boolean written
/// out; anything else, or text that is no component, is refused.
fn component(name: &str, value: Json) -> Result<String, String> {
    let text = match value {
        Json::String(s) => s,
        Json::Bool(b) => b.to_string(),
        Json::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        other => {
            return Err(format!(
                "{name} must be a string, an integer or a boolean: {other}"
            ))
        }
    };
    if text.is_empty() || text.contains(['.', '#', '{', '}']) || text.contains(char::is_whitespace)
    {
        return Err(format!("{name} is not a URI component: {text:?}"));
    }
    Ok(text)
}

/// Whether the concrete URI `uri` is one that the registration `pattern` under `policy` takes.
fn matches(pattern: &str, policy: MatchPolicy, uri: &str) -> bool {
    let components: Vec<&str> = uri.split('.').collect();
    if components
        .iter()
        .any(|c| c.is_empty() || c.contains(['#', ' ']))
    {
        return false;
    }
    match policy {
        MatchPolicy::Prefix => uri.starts_with(pattern),
        MatchPolicy::Wildcard => {
            let pattern: Vec<&str> = pattern.split('.').collect();
            pattern.len() == components.len()
                && pattern
                    .iter()
                    .zip(&components)
                    .all(|(p, c)| p.is_empty() || p == c)
        }
        _ => uri == pattern,
    }
}
