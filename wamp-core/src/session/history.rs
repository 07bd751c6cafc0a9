//! Event History on the subscriber's side: a subscription that first replays the last events
//! the router kept (`wamp.subscription.get_events`), then goes on with live ones, with no gap and
//! no duplicate between the two.
//!
//! The subscription is made first and only then is the history asked for, so every event is
//! either in the history (published before the router answered) or delivered live (published
//! after the SUBSCRIBE), and some are both: see [`Replay::merge`].
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

/// An event as a subscription yields it (or a sealed one that did not open).
pub(crate) type Item = Result<Event, SubscriptionError>;

/// The publication an item is about, if any.
fn publication_of(item: &Item) -> Option<Id> {
    match item {
        Ok(event) => Some(event.publication),
        Err(SubscriptionError::Undecryptable { publication, .. }) => Some(*publication),
        Err(_) => None,
    }
}

/// What a subscription yields before its live events, and which live events repeat it.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    events: VecDeque<Item>,
    /// Replayed publications that may still come live (to be dropped then).
    pending: HashSet<Id>,
}

impl Replay {
    /// The next item to yield before the live ones, if any is left.
    pub(crate) fn next(&mut self) -> Option<Item> {
        self.events.pop_front()
    }

    /// Whether a live item repeats a replayed one (and is to be dropped).
    pub(crate) fn repeats(&mut self, live: &Item) -> bool {
        publication_of(live).is_some_and(|p| self.pending.remove(&p))
    }

    /// Merges the history (oldest first) with the live items delivered before the router
    /// answered. Those live items were published after the SUBSCRIBE and before the answer, and
    /// every event published later comes live after them, so: the replayed events that are not
    /// among them, then them. A replayed event that still comes live later (a router that
    /// sends the answer before some earlier event) is dropped then; `pending` holds at most
    /// `last` IDs.
    pub(crate) fn merge(history: Vec<Item>, delivered: Vec<Item>) -> Self {
        let delivered_ids: HashSet<Id> = delivered.iter().filter_map(publication_of).collect();
        let mut events = VecDeque::with_capacity(history.len() + delivered.len());
        let mut pending = HashSet::new();
        for item in history {
            match publication_of(&item) {
                Some(p) if delivered_ids.contains(&p) => continue,
                Some(p) => {
                    pending.insert(p);
                }
                None => {}
            }
            events.push_back(item);
        }
        events.extend(delivered);
        Self { events, pending }
    }
}

/// Asks the router for the last `last` events of `subscription` (to `topic`), oldest first.
pub(crate) async fn fetch(
    session: &Session,
    subscription: Id,
    topic: &str,
    last: u64,
) -> Result<Vec<Item>, Error> {
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
        let event = read(session, item, subscription, topic).ok_or_else(|| {
            malformed(
                "an event that does not read (no publication ID, or a field of the wrong type)",
            )
        })?;
        let Some(publication) = publication_of(&event) else {
            continue;
        };
        let room = events.len() < usize::try_from(last).unwrap_or(usize::MAX);
        if seen.insert(publication) && room {
            events.push_front(event);
        }
    }
    Ok(events.into())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(publication: Id) -> Item {
        Ok(Event {
            subscription: 1,
            publication,
            topic: "t".into(),
            arguments: Arguments::default(),
            passthru: None,
            details: Dict::new(),
            encrypted: false,
            from_history: true,
        })
    }

    fn drain(replay: &mut Replay, live: &[Id]) -> Vec<Id> {
        let mut out = Vec::new();
        while let Some(item) = replay.next() {
            out.extend(publication_of(&item));
        }
        for p in live {
            let item = event(*p);
            if !replay.repeats(&item) {
                out.push(*p);
            }
        }
        out
    }

    /// More events came between the SUBSCRIBE and the answer than were asked for: the history
    /// holds only the newest of them, and every one is still yielded once, in order.
    #[test]
    fn a_window_larger_than_the_history_is_yielded_once_in_order() {
        // Published: 1 and 2 before subscribing, 3 and 4 between, 5 after the answer.
        let history = vec![event(4)];
        let delivered = vec![event(3), event(4)];
        let mut replay = Replay::merge(history, delivered);
        assert_eq!(drain(&mut replay, &[5]), [3, 4, 5]);
    }

    #[test]
    fn history_before_the_subscription_comes_first_and_late_copies_are_dropped() {
        let history = vec![event(1), event(2), event(3)];
        let delivered = vec![event(3)];
        let mut replay = Replay::merge(history, delivered);
        // A router that answered before sending 2 live: its late copy is dropped.
        assert_eq!(drain(&mut replay, &[2, 4]), [1, 2, 3, 4]);
        assert_eq!(replay.pending, HashSet::from([1]));
    }
}
