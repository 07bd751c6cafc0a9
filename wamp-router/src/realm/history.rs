//! Event History (wamp-proto `rfc/text/advanced/pubsub_event_history.md`): which topics keep
//! their events, how many and for how long ([`HistoryRule`]), and the meta procedure that reads
//! them, `wamp.subscription.get_events`.
//!
//! Events are kept per configured rule from the moment the realm starts, whether or not anyone
//! is subscribed (the spec's "preinitialized" topics), so a client that subscribes and then asks
//! finds what was published before it came. A subscription's history is every kept event whose
//! topic the subscription matches, in the order the broker received them. A retained event and
//! the history hold the same publication: one ID, one payload.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wamp_core::message::keys::{self, history as k};
use wamp_core::message::{code, uris, Call, Payload, Result as CallResult};
use wamp_core::value::dict_to_value;
use wamp_core::{Arguments, Dict, Id, MatchPolicy, Message, Value};

use super::options::{as_u64, flag, id};
use super::{error, State};
use crate::matching;
use crate::timestamp;

/// The meta procedure answered here.
pub(crate) const GET_EVENTS: &str = k::GET_EVENTS;

/// Event history for the topics a URI (or pattern) covers: at most `limit` events, none older
/// than `max_age`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRule {
    pub(crate) topic: String,
    pub(crate) policy: MatchPolicy,
    pub(crate) limit: usize,
    pub(crate) max_age: Option<Duration>,
}

impl HistoryRule {
    /// Keeps the last `limit` events of `topic` (an exact topic; see
    /// [`match_policy`](Self::match_policy) for patterns).
    pub fn new(topic: impl Into<String>, limit: usize) -> Self {
        Self {
            topic: topic.into(),
            policy: MatchPolicy::Exact,
            limit,
            max_age: None,
        }
    }

    /// Treats the topic as a `prefix` or `wildcard` pattern.
    pub fn match_policy(mut self, policy: MatchPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Drops events older than `age`.
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    fn covers(&self, topic: &str) -> bool {
        matching::matches(self.policy, &self.topic, topic)
    }
}

/// Who may read a kept event: the publication's authid and authrole lists (session lists make
/// the event not kept at all, as the spec says: session IDs do not outlive sessions).
#[derive(Debug, Clone, Default)]
pub(crate) struct Readers {
    pub(crate) exclude_authid: Vec<String>,
    pub(crate) exclude_authrole: Vec<String>,
    pub(crate) eligible_authid: Option<Vec<String>>,
    pub(crate) eligible_authrole: Option<Vec<String>>,
}

impl Readers {
    fn admit(&self, authid: &str, authrole: &str) -> bool {
        let has = |l: &Vec<String>, s: &str| l.iter().any(|x| x == s);
        !has(&self.exclude_authid, authid)
            && !has(&self.exclude_authrole, authrole)
            && self.eligible_authid.as_ref().is_none_or(|l| has(l, authid))
            && self
                .eligible_authrole
                .as_ref()
                .is_none_or(|l| has(l, authrole))
    }
}

/// One kept event.
#[derive(Debug)]
struct Kept {
    /// The order the broker received it in.
    seq: u64,
    /// Wall-clock milliseconds since the Unix epoch, for the answer and the time filters.
    millis: u128,
    at: Instant,
    publication: Id,
    topic: String,
    details: Dict,
    payload: Payload,
    readers: Readers,
}

/// The kept events of a realm, per rule.
#[derive(Debug, Default)]
pub(crate) struct History {
    rules: Vec<(HistoryRule, VecDeque<Arc<Kept>>)>,
    next: u64,
}

impl History {
    pub(crate) fn new(rules: &[HistoryRule]) -> Self {
        Self {
            rules: rules.iter().map(|r| (r.clone(), VecDeque::new())).collect(),
            next: 0,
        }
    }

    /// Keeps a publication in every rule that covers its topic.
    pub(crate) fn record(
        &mut self,
        topic: &str,
        publication: Id,
        details: &Dict,
        payload: &Payload,
        readers: Readers,
    ) {
        if !self.rules.iter().any(|(r, _)| r.covers(topic)) {
            return;
        }
        self.next += 1;
        let kept = Arc::new(Kept {
            seq: self.next,
            millis: now_millis(),
            at: Instant::now(),
            publication,
            topic: topic.to_owned(),
            details: details.clone(),
            payload: payload.clone(),
            readers,
        });
        for (rule, events) in &mut self.rules {
            if rule.covers(topic) {
                events.push_back(kept.clone());
                while events.len() > rule.limit {
                    events.pop_front();
                }
            }
        }
        self.expire();
    }

    /// Drops what is older than its rule allows.
    fn expire(&mut self) {
        let now = Instant::now();
        for (rule, events) in &mut self.rules {
            if let Some(age) = rule.max_age {
                while events
                    .front()
                    .is_some_and(|e| now.duration_since(e.at) > age)
                {
                    events.pop_front();
                }
            }
        }
    }

    /// Whether some rule keeps events a subscription to `uri` under `policy` receives.
    fn available(&self, policy: MatchPolicy, uri: &str) -> bool {
        self.rules
            .iter()
            .any(|(r, _)| r.covers(uri) || matching::matches(policy, uri, &r.topic))
    }

    /// The kept events a subscription receives, oldest first, each once.
    fn of(&self, policy: MatchPolicy, uri: &str) -> Vec<Arc<Kept>> {
        let mut events: Vec<Arc<Kept>> = self
            .rules
            .iter()
            .flat_map(|(_, events)| events.iter())
            .filter(|e| matching::matches(policy, uri, &e.topic))
            .cloned()
            .collect();
        events.sort_by_key(|e| e.seq);
        events.dedup_by_key(|e| e.seq);
        events
    }
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
}

/// A failed call: the error URI and a message.
type Failure = (&'static str, String);

fn invalid(message: impl Into<String>) -> Failure {
    (uris::INVALID_ARGUMENT, message.into())
}

/// Answers `wamp.subscription.get_events` for `caller`, who must be allowed to subscribe to
/// the subscription's topic (`may_subscribe`).
pub(crate) fn answer(
    state: &mut State,
    caller: Id,
    call: &Call,
    may_subscribe: impl Fn(&State, &str) -> bool,
) -> Message {
    let args = call.payload.arguments().cloned().unwrap_or_default();
    match events(state, caller, &args, may_subscribe) {
        Ok(list) => Message::Result(CallResult {
            request: call.request,
            details: Dict::new(),
            payload: Arguments::new(vec![Value::Array(list)], Dict::new()).into(),
        }),
        Err((uri, why)) => error(code::CALL, call.request, uri, &why),
    }
}

fn events(
    state: &mut State,
    caller: Id,
    args: &Arguments,
    may_subscribe: impl Fn(&State, &str) -> bool,
) -> Result<Vec<Value>, Failure> {
    let sub_id = args
        .args
        .first()
        .and_then(as_u64)
        .ok_or_else(|| invalid("argument 0 must be the subscription ID"))?;
    let query = Query::parse(args)?;
    let sub = state.broker.subscriptions.get(sub_id).ok_or_else(|| {
        (
            uris::NO_SUCH_SUBSCRIPTION,
            format!("no subscription {sub_id}"),
        )
    })?;
    let (policy, uri) = (sub.policy, sub.uri.clone());
    if !may_subscribe(state, &uri) {
        let why = format!("not authorized to subscribe to {uri}, so not to its history");
        return Err((uris::NOT_AUTHORIZED, why));
    }
    state.broker.history.expire();
    if !state.broker.history.available(policy, &uri) {
        let why = format!("no event history is kept for {uri}");
        return Err((uris::HISTORY_UNAVAILABLE, why));
    }
    let (authid, authrole) = state
        .sessions
        .identity(caller)
        .map(|i| (i.authid.clone(), i.authrole.clone()))
        .unwrap_or_default();
    let readable: Vec<Arc<Kept>> = state
        .broker
        .history
        .of(policy, &uri)
        .into_iter()
        .filter(|e| e.readers.admit(&authid, &authrole))
        .collect();
    Ok(query
        .select(&readable)
        .into_iter()
        .map(|e| item(e, sub_id, policy))
        .collect())
}

/// An event as the spec's answer lists it.
fn item(e: &Kept, subscription: Id, policy: MatchPolicy) -> Value {
    let mut details = e.details.clone();
    if policy != MatchPolicy::Exact {
        details.insert(keys::TOPIC.into(), Value::Text(e.topic.clone()));
    }
    let (args, kwargs) = match &e.payload {
        Payload::Arguments(a) => (a.args.clone(), a.kwargs.clone()),
        // A passthru payload: its bytes, with their attributes in the details.
        Payload::Passthru(bytes) => (vec![Value::Bytes(bytes.clone())], Dict::new()),
    };
    let text = |s: &str| Value::Text(s.to_owned());
    Value::Map(vec![
        (
            text(k::TIMESTAMP),
            Value::Text(timestamp::format_millis(e.millis)),
        ),
        (text(k::SUBSCRIPTION), id(subscription)),
        (text(k::PUBLICATION), id(e.publication)),
        (text(k::DETAILS), dict_to_value(details)),
        (text(k::ARGS), Value::Array(args)),
        (text(k::KWARGS), dict_to_value(kwargs)),
    ])
}

/// The `ArgumentsKw` of `get_events`.
#[derive(Debug, Default)]
struct Query {
    reverse: bool,
    limit: Option<usize>,
    from_time: Option<u128>,
    after_time: Option<u128>,
    before_time: Option<u128>,
    until_time: Option<u128>,
    topic: Option<String>,
    from_publication: Option<Id>,
    after_publication: Option<Id>,
    before_publication: Option<Id>,
    until_publication: Option<Id>,
}

impl Query {
    fn parse(args: &Arguments) -> Result<Self, Failure> {
        let kw = &args.kwargs;
        let time = |key: &str| -> Result<Option<u128>, Failure> {
            match kw.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Text(t)) => timestamp::parse_millis(t)
                    .map(Some)
                    .ok_or_else(|| invalid(format!("{key} must be an RFC 3339 timestamp"))),
                Some(_) => Err(invalid(format!("{key} must be an RFC 3339 timestamp"))),
            }
        };
        let positive = |key: &str, value: Option<&Value>| -> Result<Option<u64>, Failure> {
            match value {
                None | Some(Value::Null) => Ok(None),
                Some(v) => match as_u64(v) {
                    Some(n) if n > 0 => Ok(Some(n)),
                    _ => Err(invalid(format!("{key} must be a positive integer"))),
                },
            }
        };
        // Crossbar.io takes the limit positionally (`get_events(subscription, limit)`).
        let limit = positive(k::LIMIT, kw.get(k::LIMIT).or(args.args.get(1)))?;
        let topic = match kw.get(k::TOPIC) {
            None | Some(Value::Null) => None,
            Some(Value::Text(t)) => Some(t.clone()),
            Some(_) => return Err(invalid("topic must be a URI")),
        };
        let reverse = match kw.get(k::REVERSE) {
            None | Some(Value::Null) => false,
            Some(_) => flag(kw, k::REVERSE).ok_or_else(|| invalid("reverse must be a boolean"))?,
        };
        Ok(Self {
            reverse,
            limit: limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            from_time: time(k::FROM_TIME)?,
            after_time: time(k::AFTER_TIME)?,
            before_time: time(k::BEFORE_TIME)?,
            until_time: time(k::UNTIL_TIME)?,
            topic,
            from_publication: positive(k::FROM_PUBLICATION, kw.get(k::FROM_PUBLICATION))?,
            after_publication: positive(k::AFTER_PUBLICATION, kw.get(k::AFTER_PUBLICATION))?,
            before_publication: positive(k::BEFORE_PUBLICATION, kw.get(k::BEFORE_PUBLICATION))?,
            until_publication: positive(k::UNTIL_PUBLICATION, kw.get(k::UNTIL_PUBLICATION))?,
        })
    }

    /// The events (oldest first) that pass every condition, in the asked order, at most
    /// `limit`. A publication bound that is not (or no longer) in the history passes nothing.
    fn select<'a>(&self, events: &'a [Arc<Kept>]) -> Vec<&'a Kept> {
        let position = |p: Id| events.iter().position(|e| e.publication == p);
        let bound = |p: Option<Id>| p.map(position);
        let (from, after, before, until) = (
            bound(self.from_publication),
            bound(self.after_publication),
            bound(self.before_publication),
            bound(self.until_publication),
        );
        if [from, after, before, until].contains(&Some(None)) {
            return Vec::new();
        }
        let in_range = |i: usize| {
            from.flatten().is_none_or(|f| i >= f)
                && after.flatten().is_none_or(|a| i > a)
                && before.flatten().is_none_or(|b| i < b)
                && until.flatten().is_none_or(|u| i <= u)
        };
        let mut picked: Vec<&Kept> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| in_range(*i))
            .map(|(_, e)| &**e)
            .filter(|e| {
                self.from_time.is_none_or(|t| e.millis >= t)
                    && self.after_time.is_none_or(|t| e.millis > t)
                    && self.before_time.is_none_or(|t| e.millis < t)
                    && self.until_time.is_none_or(|t| e.millis <= t)
                    && self.topic.as_ref().is_none_or(|t| *t == e.topic)
            })
            .collect();
        if self.reverse {
            picked.reverse();
        }
        if let Some(limit) = self.limit {
            picked.truncate(limit);
        }
        picked
    }
}
