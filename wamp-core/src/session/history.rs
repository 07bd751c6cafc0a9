//! Event History on the subscriber's side: a subscription that first replays the last events
//! the router kept (`wamp.subscription.get_events`), then goes on with live ones, with no gap and
//! no duplicate between the two.
//!
//! The subscription is made first and only then is the history asked for, so every event is
//! either in the history (published before the router answered) or delivered live (published
//! after the SUBSCRIBE), and some are both: those live duplicates, which come before any newer
//! live event, are dropped by publication ID.
//!
//! Two routers answer differently. The spec's (announcing `event_history`, as `wamp-router`
//! does) is asked with `reverse` and `limit` and answers `{timestamp, subscription,
//! publication, details, args, kwargs}`; Crossbar.io 26.10.1 (which does not announce it) takes
//! only `limit`, answers newest first with `{time_ns, publication, topic, args, kwargs, ...}`,
//! and lists an event once per subscriber it reached. Both are read here.

use std::collections::{HashSet, VecDeque};

use super::{Event, Session, SubscriptionError};
use crate::cryptobox::{self, Side};
use crate::error::Error;
use crate::message::keys::{self, history as k};
use crate::message::{Arguments, Feature, Id, Passthru, ProtocolViolation, Role};
use crate::value::{as_u64, map_to_dict, Dict, Value};

/// Replayed history, and what of it live delivery may repeat.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    events: VecDeque<Result<Event, SubscriptionError>>,
    /// The replayed publications, until the first live event that is not one of them.
    seen: Option<HashSet<Id>>,
}

impl Replay {
    /// The next replayed event (or a sealed one that did not open), if any is left.
    pub(crate) fn next(&mut self) -> Option<Result<Event, SubscriptionError>> {
        self.events.pop_front()
    }

    /// Whether a live event was replayed already (and is to be dropped).
    pub(crate) fn repeats(&mut self, live: &Event) -> bool {
        match &self.seen {
            Some(seen) if seen.contains(&live.publication) => true,
            Some(_) => {
                // Live events come in order: once one is new, all later ones are.
                self.seen = None;
                false
            }
            None => false,
        }
    }
}

/// Asks the router for the last `last` events of `subscription` (to `topic`), oldest first.
pub(crate) async fn fetch(
    session: &Session,
    subscription: Id,
    topic: &str,
    last: u64,
) -> Result<Replay, Error> {
    let mut query = Dict::new();
    query.insert(k::LIMIT.into(), Value::from(last));
    if session
        .info()
        .router_has(Role::Broker, Feature::EventHistory)
    {
        query.insert(k::REVERSE.into(), Value::Bool(true));
    }
    let answer = session
        .call(k::GET_EVENTS)
        .arguments(Arguments::new(vec![Value::from(subscription)], query))
        .await?;
    let malformed = |what: &str| {
        Error::ProtocolViolation(ProtocolViolation(format!("{}: {what}", k::GET_EVENTS)))
    };
    let Some(Value::Array(items)) = answer.arguments.args.into_iter().next() else {
        return Err(malformed("the answer is not a list of events"));
    };
    // Newest first (asked `reverse`, or Crossbar.io's order); each publication once.
    let mut seen = HashSet::new();
    let mut events = VecDeque::new();
    for item in items {
        let event = read(session, item, subscription, topic)
            .ok_or_else(|| malformed("an event without its publication ID"))?;
        let publication = match &event {
            Ok(e) => e.publication,
            Err(SubscriptionError::Undecryptable { publication, .. }) => *publication,
            Err(_) => continue,
        };
        let room = events.len() < usize::try_from(last).unwrap_or(usize::MAX);
        if seen.insert(publication) && room {
            events.push_front(event);
        }
    }
    Ok(Replay {
        events,
        seen: Some(seen),
    })
}

/// One listed event as the [`Event`] live delivery would have given, opened with the session's
/// key ring when it was sealed (or reported when it does not open, as live delivery does).
fn read(
    session: &Session,
    item: Value,
    subscription: Id,
    topic: &str,
) -> Option<Result<Event, SubscriptionError>> {
    let Value::Map(entries) = item else {
        return None;
    };
    let mut item = map_to_dict(entries).ok()?;
    let publication = item.get(k::PUBLICATION).and_then(as_u64)?;
    let mut details = match item.remove(k::DETAILS) {
        Some(Value::Map(d)) => map_to_dict(d).ok()?,
        _ => Dict::new(),
    };
    // The concrete topic: the spec's details (pattern subscriptions), Crossbar.io's field.
    let topic = details
        .get(keys::TOPIC)
        .or(item.get(k::TOPIC))
        .and_then(Value::as_text)
        .unwrap_or(topic)
        .to_owned();
    let args = match item.remove(k::ARGS) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    let kwargs = match item.remove(k::KWARGS) {
        Some(Value::Map(m)) => map_to_dict(m).ok()?,
        _ => Dict::new(),
    };
    let mut arguments = Arguments::new(args, kwargs);
    // A passthru event is kept as its bytes, its attributes in the details.
    let mut passthru = None;
    if crate::message::Dialect::of(&details).is_some() {
        if let [Value::Bytes(bytes)] = arguments.args.as_slice() {
            passthru = Some(Passthru::read(&details, bytes.clone()));
            arguments = Arguments::default();
        }
    }
    let mut encrypted = false;
    if let (Some(ring), Some(p)) = (session.config().key_ring.as_deref(), &passthru) {
        if cryptobox::is_cryptobox(p) {
            match ring.open(Side::Responder, &topic, p) {
                Ok(opened) => {
                    arguments = opened;
                    passthru = None;
                    encrypted = true;
                }
                Err(error) => {
                    return Some(Err(SubscriptionError::Undecryptable {
                        publication,
                        error: Box::new(error),
                    }))
                }
            }
        }
    }
    details.remove(keys::RETAINED);
    Some(Ok(Event {
        subscription,
        publication,
        topic,
        arguments,
        passthru,
        details,
        encrypted,
        from_history: true,
    }))
}
