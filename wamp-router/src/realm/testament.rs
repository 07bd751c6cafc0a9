//! The Testament Meta API (wamp-proto `rfc/text/advanced/pubsub_testament.md`):
//! `wamp.session.add_testament` and `wamp.session.flush_testaments`, and publishing a session's
//! testaments when it ends, by whatever cause (GOODBYE, a lost transport, a kill, a slow
//! consumer, the keepalive).
//!
//! This router has no session resumption, so a session is detached and destroyed at once: its
//! `detached` testaments are published first, then its `destroyed` ones, each in the order they
//! were added, as the spec requires. A testament is published as the leaving session would
//! publish it (its topic checked and authorized when added), with the options that make sense
//! for it (`acknowledge` and `exclude_me` are dropped: nobody is left to acknowledge).
//!
//! Where Crossbar.io 26.10.1 differs: it answers `add_testament` with an ID and
//! `flush_testaments` with a count (the spec: no value), requires `args` and `kwargs`, and
//! refuses publish options it does not know (`disclose_me`).

use wamp_core::message::{keys, uris, Payload};
use wamp_core::{Arguments, Dict, Id, Value};

use super::options::dict_of;
use super::State;

/// `wamp.session.add_testament`.
pub(crate) const ADD: &str = "wamp.session.add_testament";
/// `wamp.session.flush_testaments`.
pub(crate) const FLUSH: &str = "wamp.session.flush_testaments";
/// The `publish_options` keyword argument of `add_testament`.
const PUBLISH_OPTIONS: &str = "publish_options";
/// The `scope` keyword argument of both procedures.
const SCOPE: &str = "scope";

/// The most testaments a session may hold per scope.
pub(crate) const MAX_PER_SCOPE: usize = 64;

/// One testament: a publication kept for the end of the session.
#[derive(Debug, Clone)]
pub(crate) struct Testament {
    pub(crate) topic: String,
    pub(crate) options: Dict,
    pub(crate) payload: Payload,
}

/// A session's testaments, by scope.
#[derive(Debug, Default)]
pub(crate) struct Testaments {
    detached: Vec<Testament>,
    destroyed: Vec<Testament>,
}

impl Testaments {
    /// Every testament in the order the spec publishes them: detached, then destroyed.
    pub(crate) fn into_published(self) -> impl Iterator<Item = Testament> {
        self.detached.into_iter().chain(self.destroyed)
    }

    fn scope(&mut self, detached: bool) -> &mut Vec<Testament> {
        if detached {
            &mut self.detached
        } else {
            &mut self.destroyed
        }
    }
}

/// A failed call: the error URI and a message.
type Failure = (&'static str, String);

/// The `scope` keyword argument: `true` for `detached`, `false` for `destroyed` (the default).
fn detached(kwargs: &Dict) -> Result<bool, Failure> {
    match kwargs.get(SCOPE) {
        None => Ok(false),
        Some(Value::Text(s)) if s == "destroyed" => Ok(false),
        Some(Value::Text(s)) if s == "detached" => Ok(true),
        Some(other) => Err((
            uris::INVALID_ARGUMENT,
            format!("scope must be \"detached\" or \"destroyed\", not {other:?}"),
        )),
    }
}

/// Reads `add_testament(topic, args, kwargs; publish_options, scope)`; the topic's validity and
/// authorization are the caller's to check.
pub(crate) fn parse_add(args: &Arguments) -> Result<(bool, Testament), Failure> {
    let invalid = |what: &str| (uris::INVALID_ARGUMENT, what.to_owned());
    let topic = match args.args.first() {
        Some(Value::Text(t)) => t.clone(),
        _ => return Err(invalid("argument 0 must be the topic URI")),
    };
    let event_args = match args.args.get(1) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(invalid("argument 1 must be the event's args list")),
    };
    let event_kwargs = match args.args.get(2) {
        None | Some(Value::Null) => Dict::new(),
        Some(v @ Value::Map(_)) => dict_of(Some(v)),
        Some(_) => return Err(invalid("argument 2 must be the event's kwargs dict")),
    };
    let mut options = match args.kwargs.get(PUBLISH_OPTIONS) {
        None | Some(Value::Null) => Dict::new(),
        Some(v @ Value::Map(_)) => dict_of(Some(v)),
        Some(_) => return Err(invalid("publish_options must be a dict")),
    };
    for key in [keys::ACKNOWLEDGE, keys::EXCLUDE_ME] {
        options.remove(key);
    }
    let scope = detached(&args.kwargs)?;
    let testament = Testament {
        topic,
        options,
        payload: Payload::Arguments(Arguments::new(event_args, event_kwargs)),
    };
    Ok((scope, testament))
}

/// Adds a testament to `session` (bounded per scope).
pub(crate) fn add(
    state: &mut State,
    session: Id,
    scope: bool,
    testament: Testament,
) -> Result<(), Failure> {
    let entry = state
        .sessions
        .get_mut(session)
        .ok_or_else(|| (uris::NO_SUCH_SESSION, "the session left".to_owned()))?;
    let list = entry.testaments.scope(scope);
    if list.len() >= MAX_PER_SCOPE {
        return Err((
            uris::INVALID_ARGUMENT,
            format!("a session may hold at most {MAX_PER_SCOPE} testaments per scope"),
        ));
    }
    list.push(testament);
    Ok(())
}

/// `flush_testaments(; scope)`: removes the session's testaments of one scope.
pub(crate) fn flush(state: &mut State, session: Id, args: &Arguments) -> Result<(), Failure> {
    let scope = detached(&args.kwargs)?;
    if let Some(entry) = state.sessions.get_mut(session) {
        entry.testaments.scope(scope).clear();
    }
    Ok(())
}
