//! Reflection, the spec's `wamp.reflection.*` procedures, answered from the descriptions of
//! what is registered.
//!
//! The spec's chapter is a sketch: it names `wamp.reflection.{procedure,topic,error}.{list,
//! describe}` and the `reflection` feature of the dealer and the broker, and defines neither
//! arguments nor results nor where descriptions come from. This router's choices:
//!
//! - **Where descriptions come from:** a REGISTER whose options name the service's describe
//!   procedure (`_interface`, as `#[wamp_service]` services send it, with `<prefix>.describe`)
//!   marks that procedure as a description. While it is registered, the router calls it (from its
//!   own session, `wamp-router`) when asked to reflect, and reads the `Document` it answers.
//!   Nothing is cached: a description is always the one the service gives now.
//! - **`*.list()`** answers `args[0]`: the sorted URIs (procedure and topic URIs as the
//!   description writes them: a captured URI keeps its `{name}` template).
//! - **`*.describe(uri)`** answers `args[0]`: `{"service", "interface", "procedure" | "topic" |
//!   "error", "$defs"}`, the service's name, its describe procedure, the entry of the
//!   description, and the named types its schemas refer to; a URI no description has is
//!   `wamp.error.invalid_argument`.
//! - A describe procedure that fails or answers no description is left out (logged).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use serde_json::{Map, Value as Json};
use wamp_core::describe::{
    Document, ServiceDescription, REGISTER_INTERFACE_OPTION, REGISTER_VALIDATE_OPTION,
};
use wamp_core::message::keys::reflection as k;
use wamp_core::message::uris;
use wamp_core::{Arguments, Dict, Value};

use crate::calls::RouterCalls;

pub(crate) use wamp_core::message::keys::reflection::PREFIX;
/// The most registrations remembered (a hostile peer cannot grow the map without bound).
const MAX_NOTED: usize = 10_000;
/// How long a describe procedure may take.
const DESCRIBE_TIMEOUT: Duration = Duration::from_secs(5);

/// What REGISTER options said about descriptions, for reflection and payload validation: the
/// describe procedure each registered pattern names (`_interface`), and whether it asked for
/// its calls to be validated (`_validate`).
#[derive(Debug, Default)]
pub(crate) struct Interfaces {
    /// Registered pattern -> (its describe procedure, it asked `_validate`).
    pub(super) by_procedure: HashMap<String, (String, bool)>,
}

impl Interfaces {
    /// Remembers what a REGISTER's options say about its description; answers whether it asked
    /// for validation.
    pub(crate) fn note(&mut self, procedure: &str, options: &Dict) -> bool {
        let Some(Value::Text(interface)) = options.get(REGISTER_INTERFACE_OPTION) else {
            return false;
        };
        let validate = matches!(
            options.get(REGISTER_VALIDATE_OPTION),
            Some(Value::Bool(true))
        );
        if self.by_procedure.len() < MAX_NOTED || self.by_procedure.contains_key(procedure) {
            self.by_procedure
                .insert(procedure.to_owned(), (interface.clone(), validate));
        }
        validate
    }

    /// The describe procedures registered now (what names one that is gone is forgotten).
    pub(crate) fn current(&mut self, registered: impl Fn(&str) -> bool) -> Vec<String> {
        self.by_procedure
            .retain(|_, (interface, _)| registered(interface));
        let current: BTreeSet<&String> = self.by_procedure.values().map(|(i, _)| i).collect();
        current.into_iter().cloned().collect()
    }
}

/// The description a describe procedure answers now, called from the router's own session.
pub(super) async fn describe(
    calls: &RouterCalls,
    realm: &str,
    interface: &str,
) -> Result<Document, String> {
    let answer = calls
        .call(realm, interface, Vec::new(), DESCRIBE_TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    let first = answer.args.first().cloned().unwrap_or(Value::Null);
    let json: Json = wamp_core::value::from_value(&first).map_err(|e| e.to_string())?;
    Document::from_json_value(json).map_err(|e| e.to_string())
}

/// A failed reflection call: the error URI and a message.
type Failure = (String, String);

fn invalid(message: String) -> Failure {
    (uris::INVALID_ARGUMENT.to_owned(), message)
}

/// The services the describe procedures give now.
async fn services(
    calls: &RouterCalls,
    realm: &str,
    interfaces: &[String],
) -> Vec<(String, ServiceDescription)> {
    let mut services = Vec::new();
    for interface in interfaces {
        match describe(calls, realm, interface).await {
            Ok(document) => services.extend(
                document
                    .services
                    .into_iter()
                    .map(|service| (interface.clone(), service)),
            ),
            Err(e) => tracing::warn!(%interface, error = %e, "reflection: no description"),
        }
    }
    services
}

fn sorted(uris: impl Iterator<Item = String>) -> Json {
    Json::from(
        uris.collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>(),
    )
}

/// Answers one reflection call, `procedure` with `args`, from the describe procedures
/// `interfaces` of `realm`.
pub(crate) async fn answer(
    calls: &RouterCalls,
    realm: &str,
    interfaces: &[String],
    procedure: &str,
    args: &Arguments,
) -> Result<Arguments, Failure> {
    let wanted = match args.args.first() {
        Some(Value::Text(uri)) => Some(uri.as_str()),
        _ => None,
    };
    let services = services(calls, realm, interfaces).await;
    let entry = |interface: &String, service: &ServiceDescription, key: &str, item: Json| {
        let mut answer = Map::new();
        answer.insert(k::SERVICE.into(), Json::from(service.name.clone()));
        answer.insert(k::INTERFACE.into(), Json::from(interface.clone()));
        answer.insert(key.into(), item);
        answer.insert(k::DEFS.into(), Json::Object(service.defs.clone()));
        Json::Object(answer)
    };
    let answer = match procedure {
        k::PROCEDURE_LIST => sorted(
            services
                .iter()
                .flat_map(|(_, s)| s.procedures.iter().map(|p| p.uri.clone())),
        ),
        k::TOPIC_LIST => sorted(
            services
                .iter()
                .flat_map(|(_, s)| s.topics.iter().map(|t| t.uri.clone())),
        ),
        k::ERROR_LIST => sorted(services.iter().flat_map(|(_, s)| {
            s.errors
                .iter()
                .flat_map(|e| e.variants.iter().map(|v| v.uri.clone()))
        })),
        k::PROCEDURE_DESCRIBE | k::TOPIC_DESCRIBE | k::ERROR_DESCRIBE => {
            let uri = wanted.ok_or_else(|| invalid("argument 0 must be the URI".into()))?;
            let found = services.iter().find_map(|(interface, s)| {
                let item = match procedure {
                    k::PROCEDURE_DESCRIBE => s
                        .procedures
                        .iter()
                        .find(|p| p.uri == uri)
                        .and_then(|p| serde_json::to_value(p).ok())
                        .map(|p| (k::PROCEDURE, p)),
                    k::TOPIC_DESCRIBE => s
                        .topics
                        .iter()
                        .find(|t| t.uri == uri)
                        .and_then(|t| serde_json::to_value(t).ok())
                        .map(|t| (k::TOPIC, t)),
                    _ => s
                        .errors
                        .iter()
                        .flat_map(|e| e.variants.iter())
                        .find(|v| v.uri == uri)
                        .and_then(|v| serde_json::to_value(v).ok())
                        .map(|v| (k::ERROR, v)),
                };
                item.map(|(key, item)| entry(interface, s, key, item))
            });
            found.ok_or_else(|| invalid(format!("no description has {uri}")))?
        }
        _ => {
            return Err((
                uris::NO_SUCH_PROCEDURE.to_owned(),
                format!("no reflection procedure {procedure}"),
            ))
        }
    };
    let value = wamp_core::value::to_value(&answer).map_err(|e| invalid(e.to_string()))?;
    Ok(Arguments::new(vec![value], Dict::new()))
}

/// Starts answering a reflection CALL of `session`: the describe procedures registered now are
/// taken under the realm's lock, called outside it, and the answer is queued for the caller.
pub(super) fn start(
    realm: &super::Realm,
    state: &mut super::State,
    session: wamp_core::Id,
    call: wamp_core::message::Call,
) {
    let super::State {
        interfaces, dealer, ..
    } = state;
    let current = interfaces.current(|uri| {
        dealer
            .registrations
            .find(wamp_core::MatchPolicy::Exact, uri)
            .is_some()
    });
    let calls = realm
        .calls
        .get()
        .cloned()
        .unwrap_or_else(RouterCalls::detached);
    let (me, name) = (realm.me.clone(), realm.config.name.clone());
    tokio::spawn(async move {
        let args = call.payload.arguments().cloned().unwrap_or_default();
        let outcome = answer(&calls, &name, &current, &call.procedure, &args).await;
        let reply = match outcome {
            Ok(result) => wamp_core::Message::Result(wamp_core::message::Result {
                request: call.request,
                details: Dict::new(),
                payload: result.into(),
            }),
            Err((uri, message)) => {
                super::error(wamp_core::message::code::CALL, call.request, &uri, &message)
            }
        };
        if let Some(realm) = me.upgrade() {
            realm.send(session, reply);
        }
    });
}
