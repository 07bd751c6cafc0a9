//! Payload validation against the services' descriptions: CALL arguments and PUBLISH payloads
//! are checked with the JSON Schemas of the description before the callee runs or the event is
//! delivered, and refused with `wamp.error.invalid_argument` and the validation message (the
//! spec names that error for a router that validates payloads). Peers that are not ours get the
//! same.
//!
//! - **What opts in:** a realm ([`RealmConfig::validate_payloads`](crate::RealmConfig::validate_payloads),
//!   every described procedure and topic), or a registration (REGISTER option `_validate:
//!   true`, that procedure's calls).
//! - **Where the schemas come from:** each REGISTER of a `#[wamp_service]` names the service's
//!   describe procedure (`_interface`). The first call that needs them fetches the description
//!   from it (the router's own session; the call waits, so no call goes unchecked) and compiles
//!   its schemas (`jsonschema`, draft 2020-12, the service's `$defs` resolved); they are kept
//!   while that describe registration lives (a restarted service is described again).
//! - **Not checked:** payloads in passthru mode or end-to-end encrypted (the router cannot read
//!   them), procedures and topics no registered description names, results and errors.
//! - A description that cannot be fetched or compiled checks nothing (logged once).

use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::{Draft, Validator};
use serde_json::{json, Value as Json};
use tokio::sync::OnceCell;
use wamp_core::describe::{Document, ServiceDescription};
use wamp_core::message::{Dialect, Payload};
use wamp_core::uri::capture_pattern;
use wamp_core::{Dict, Id, MatchPolicy, Message, Value};

use crate::calls::RouterCalls;

/// The most descriptions remembered.
const MAX_ENTRIES: usize = 10_000;

/// The schemas of one payload: its positional and keyword arguments.
struct PayloadSchemas {
    args: Option<Validator>,
    kwargs: Option<Validator>,
    /// The positional parameters' names (the `title` of each `prefixItems` schema): a typed
    /// callee takes a parameter by name too, so a keyword argument of that name fills its slot.
    names: Vec<String>,
}

/// The `title` of each `prefixItems` entry of an array schema.
fn names(schema: &Json) -> Vec<String> {
    schema
        .get("prefixItems")
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    i.get("title")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The compiled schemas of the services one describe procedure describes.
#[derive(Default)]
pub(crate) struct Schemas {
    /// By the registered pattern (a capture is an empty component).
    procedures: HashMap<String, PayloadSchemas>,
    /// The topic patterns, wildcard where they have captures.
    topics: Vec<(String, PayloadSchemas)>,
}

fn compile(
    service: &ServiceDescription,
    schema: Option<&Json>,
) -> Result<Option<Validator>, String> {
    let Some(schema) = schema else {
        return Ok(None);
    };
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": service.defs,
        "allOf": [schema],
    });
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&root)
        .map(Some)
        .map_err(|e| e.to_string())
}

impl Schemas {
    fn of(document: &Document) -> Result<Self, String> {
        let mut schemas = Schemas::default();
        for service in &document.services {
            for p in &service.procedures {
                let compiled = PayloadSchemas {
                    args: compile(service, Some(&p.args))?,
                    kwargs: compile(service, Some(&p.kwargs))?,
                    names: names(&p.args),
                };
                schemas.procedures.insert(capture_pattern(&p.uri), compiled);
            }
            for t in &service.topics {
                let compiled = PayloadSchemas {
                    args: compile(service, t.args.as_ref())?,
                    kwargs: compile(service, t.kwargs.as_ref())?,
                    names: Vec::new(),
                };
                schemas.topics.push((capture_pattern(&t.uri), compiled));
            }
        }
        Ok(schemas)
    }
}

/// One payload against its schemas: the first problem, if any. Positional slots past the
/// arguments given are filled from keyword arguments of their names (as the typed callee
/// reads them), and those keyword arguments are then not checked as such.
fn problem(schemas: &PayloadSchemas, args: &[Value], kwargs: &Dict) -> Option<String> {
    let to_json = |v: &Value| wamp_core::value::from_value::<Json>(v).unwrap_or(Json::Null);
    let mut positional: Vec<Json> = args.iter().map(to_json).collect();
    let mut by_name: Vec<&str> = Vec::new();
    if schemas
        .names
        .iter()
        .skip(args.len())
        .any(|n| kwargs.contains_key(n))
    {
        for name in schemas.names.iter().skip(args.len()) {
            match kwargs.get(name) {
                Some(v) => {
                    positional.push(to_json(v));
                    by_name.push(name);
                }
                None => positional.push(Json::Null),
            }
        }
        while positional.last() == Some(&Json::Null) {
            positional.pop();
        }
    }
    if let Some(validator) = &schemas.args {
        let args = Json::Array(positional);
        let found = validator
            .iter_errors(&args)
            .next()
            .map(|e| format!("args{}: {e}", e.instance_path()));
        if found.is_some() {
            return found;
        }
    }
    if let Some(validator) = &schemas.kwargs {
        let kwargs = kwargs
            .iter()
            .filter(|(k, _)| !by_name.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), to_json(v)));
        let kwargs = Json::Object(kwargs.collect());
        let found = validator
            .iter_errors(&kwargs)
            .next()
            .map(|e| format!("kwargs{}: {e}", e.instance_path()));
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The schemas of one describe registration, compiled once when first needed.
type Cell = Arc<OnceCell<Option<Arc<Schemas>>>>;

/// The compiled schemas the realm keeps for validation (what REGISTERs said about
/// descriptions is in [`super::reflection::Interfaces`]).
#[derive(Default)]
pub(crate) struct Validation {
    /// (describe procedure, its registration) -> its schemas.
    described: HashMap<(String, Id), Cell>,
}

impl Validation {
    fn cell(&mut self, interface: &str, registration: Id) -> Cell {
        if self.described.len() >= MAX_ENTRIES {
            self.described.clear();
        }
        self.described
            .entry((interface.to_owned(), registration))
            .or_default()
            .clone()
    }
}

/// A payload to check, and the schemas to fetch first if need be.
pub(crate) struct Check {
    cells: Vec<(String, Cell)>,
    /// The registered pattern (CALL) or the topic (PUBLISH).
    target: Target,
    calls: RouterCalls,
    realm: String,
}

enum Target {
    Procedure(String),
    Topic(String),
}

/// What [`Check`] needs from the realm's state.
pub(crate) struct Lookup<'a> {
    pub(crate) validation: &'a mut Validation,
    /// Registered pattern -> (its describe procedure, it asked `_validate`).
    pub(crate) noted: &'a HashMap<String, (String, bool)>,
    /// The registration a CALL of a URI reaches: its pattern.
    pub(crate) route: &'a dyn Fn(&str) -> Option<String>,
    /// The registration of an exact URI, if any.
    pub(crate) registered: &'a dyn Fn(&str) -> Option<Id>,
    /// The describe procedures registered now.
    pub(crate) interfaces: Vec<String>,
    /// The realm validates every described procedure and topic.
    pub(crate) realm_wide: bool,
}

impl Check {
    /// The check a CALL or PUBLISH needs, if any.
    pub(crate) fn of(
        message: &Message,
        lookup: Lookup<'_>,
        calls: RouterCalls,
        realm: &str,
    ) -> Option<Check> {
        let Lookup {
            validation,
            noted,
            route,
            registered,
            interfaces,
            realm_wide,
        } = lookup;
        let (cells, target) = match message {
            Message::Call(call) if Dialect::of(&call.options).is_none() => {
                let pattern = route(&call.procedure)?;
                let (interface, asked) = noted.get(&pattern)?.clone();
                if !(realm_wide || asked) {
                    return None;
                }
                let describe = registered(&interface)?;
                let cell = validation.cell(&interface, describe);
                (vec![(interface, cell)], Target::Procedure(pattern))
            }
            Message::Publish(publish) if realm_wide && Dialect::of(&publish.options).is_none() => {
                let cells: Vec<(String, Cell)> = interfaces
                    .into_iter()
                    .filter_map(|interface| {
                        let describe = registered(&interface)?;
                        let cell = validation.cell(&interface, describe);
                        Some((interface, cell))
                    })
                    .collect();
                if cells.is_empty() {
                    return None;
                }
                (cells, Target::Topic(publish.topic.clone()))
            }
            _ => return None,
        };
        Some(Check {
            cells,
            target,
            calls,
            realm: realm.to_owned(),
        })
    }

    /// Fetches what is missing and checks `message`: the problem, if it breaks its schema.
    pub(crate) async fn run(self, message: &Message) -> Option<String> {
        let (args, kwargs) = match message {
            Message::Call(m) => payload(&m.payload)?,
            Message::Publish(m) => payload(&m.payload)?,
            _ => return None,
        };
        for (interface, cell) in &self.cells {
            let schemas = cell
                .get_or_init(|| fetch(&self.calls, &self.realm, interface))
                .await;
            let Some(schemas) = schemas else { continue };
            let found = match &self.target {
                Target::Procedure(pattern) => schemas.procedures.get(pattern),
                Target::Topic(topic) => schemas
                    .topics
                    .iter()
                    .find(|(pattern, _)| topic_matches(pattern, topic))
                    .map(|(_, s)| s),
            };
            if let Some(schemas) = found {
                return problem(schemas, args, kwargs);
            }
        }
        None
    }
}

fn payload(payload: &Payload) -> Option<(&[Value], &Dict)> {
    match payload {
        Payload::Arguments(a) => Some((&a.args, &a.kwargs)),
        Payload::Passthru(_) => None,
    }
}

/// A topic pattern (a capture an empty component) against a concrete topic.
fn topic_matches(pattern: &str, topic: &str) -> bool {
    if !pattern.split('.').any(str::is_empty) {
        return pattern == topic;
    }
    crate::matching::matches(MatchPolicy::Wildcard, pattern, topic)
}

/// The description a describe procedure answers, compiled; `None` (logged) when it cannot be.
async fn fetch(calls: &RouterCalls, realm: &str, interface: &str) -> Option<Arc<Schemas>> {
    let described = super::reflection::describe(calls, realm, interface).await;
    match described.and_then(|document| Schemas::of(&document)) {
        Ok(schemas) => Some(Arc::new(schemas)),
        Err(e) => {
            tracing::warn!(%interface, error = %e, "validation: no description to check against");
            None
        }
    }
}

impl super::Realm {
    /// The payload check `message` of `session` needs before it is routed, if any.
    pub(crate) fn to_validate(&self, session: Id, message: &Message) -> Option<Check> {
        if !matches!(message, Message::Call(_) | Message::Publish(_)) {
            return None;
        }
        let realm_wide = self.config.validate;
        // Nothing to look at (the common case): no lock taken.
        if !realm_wide
            && !self
                .validation_asked
                .load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let mut guard = self.lock();
        let state = &mut *guard;
        if state.sessions.get(session).is_none_or(|s| s.service) {
            return None;
        }
        let registrations = &state.dealer.registrations;
        let route = |uri: &str| {
            let id = registrations.table.best_match(uri)?;
            registrations.get(id).map(|r| r.uri.clone())
        };
        let registered = |uri: &str| registrations.find(MatchPolicy::Exact, uri);
        let interfaces = if realm_wide && matches!(message, Message::Publish(_)) {
            state.interfaces.current(|uri| registered(uri).is_some())
        } else {
            Vec::new()
        };
        let lookup = Lookup {
            validation: &mut state.validation,
            noted: &state.interfaces.by_procedure,
            route: &route,
            registered: &registered,
            interfaces,
            realm_wide,
        };
        let calls = self
            .calls
            .get()
            .cloned()
            .unwrap_or_else(RouterCalls::detached);
        Check::of(message, lookup, calls, &self.config.name)
    }
}
