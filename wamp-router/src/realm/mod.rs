//! A realm: its configuration ([`RealmConfig`]), its sessions, dealer and broker, and the one
//! place where a joined session's messages are checked, authorized and routed.
//!
//! All routing state of a realm sits behind one mutex that is never held across an `.await`:
//! routing a message is a short synchronous step that ends by queueing messages for sessions.

mod broker;
mod config;
mod dealer;
mod history;
mod membership;
mod meta;
pub(crate) mod options;
mod reflection;
mod sessions;
mod testament;
mod validation;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use rand::Rng as _;
use wamp_core::message::{code, keys, uris, Dialect, Error as ErrorMessage, Payload};
use wamp_core::uri;
use wamp_core::{Arguments, Dict, Id, MatchPolicy, Message, Value};

use crate::authorization::Action;
use crate::authorization::{Decision, Verdict};
use crate::calls::RouterCalls;
pub(crate) use config::Access;
pub use config::{RealmConfig, RequestIds};
pub use history::HistoryRule;
pub use sessions::SLOW_CONSUMER;
pub(crate) use sessions::{outbound, Close, Outbound, SessionEntry};
/// The REGISTER option that asks for one registration's calls to be validated (defined in
/// `wamp_core::describe`).
pub use wamp_core::describe::REGISTER_VALIDATE_OPTION;

/// A message that breaks the protocol: the session is aborted with `wamp.error.protocol_violation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation(pub(crate) String);

/// What the connection does after a message was routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    /// The client sent GOODBYE: answer it and close.
    Goodbye,
    /// The client sent ABORT: close without answering.
    Aborted,
}

/// Meta events produced while routing, published once the step is done.
pub(crate) type MetaEvents = Vec<(&'static str, Vec<Value>)>;

/// An ERROR message with a human-readable message as its only argument.
pub(crate) fn error(request_type: u64, request: Id, uri: &str, message: &str) -> Message {
    Message::Error(ErrorMessage {
        request_type,
        request,
        details: Dict::new(),
        error: uri.to_owned(),
        payload: Payload::Arguments(Arguments::new(
            vec![Value::Text(message.to_owned())],
            Dict::new(),
        )),
    })
}

/// A random ID in the global scope (`1..=2^53`) for which `taken` is false.
pub(crate) fn random_id(taken: impl Fn(Id) -> bool) -> Id {
    let mut rng = rand::thread_rng();
    loop {
        let id = rng.gen_range(1..=wamp_core::message::MAX_ID);
        if !taken(id) {
            return id;
        }
    }
}

struct State {
    sessions: sessions::Sessions,
    dealer: dealer::Dealer,
    broker: broker::Broker,
    /// Shutting down gracefully: calls in flight go on, new ones are refused.
    draining: bool,
    /// A dynamic authorizer's decision on the message being routed.
    verdict: Option<Verdict>,
    /// Authenticators, roles and authorizers (replaced by a reload).
    access: Arc<Access>,
    /// The describe procedures REGISTERs named (reflection).
    interfaces: reflection::Interfaces,
    /// What payload validation needs.
    validation: validation::Validation,
}

/// Counts of what a realm holds, for monitoring and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RealmStats {
    /// Joined sessions.
    pub sessions: usize,
    /// Registrations.
    pub registrations: usize,
    /// Subscriptions.
    pub subscriptions: usize,
    /// Calls waiting for their callee's answer.
    pub pending_calls: usize,
    /// The longest outbound queue of any session, in messages (never above the router's
    /// [`outbound_queue`](crate::RouterBuilder::outbound_queue) bound).
    pub max_queued: usize,
    /// The most bytes waiting in any session's outbound queue, as estimated by
    /// `Message::weight` (never above the router's
    /// [`outbound_bytes`](crate::RouterBuilder::outbound_bytes) bound).
    pub max_queued_bytes: usize,
}

/// A running realm.
pub(crate) struct Realm {
    pub(crate) config: RealmConfig,
    state: Mutex<State>,
    me: Weak<Realm>,
    /// The router's own calls (reflection), once the router runs.
    calls: OnceLock<RouterCalls>,
    /// A registration asked for validation (REGISTER `_validate`): payloads are looked at.
    validation_asked: AtomicBool,
    /// Some role has a dynamic authorizer (kept with the access, outside the lock).
    authorizing: AtomicBool,
}

const RESERVED_PREFIX: &str = "wamp.";

impl Realm {
    pub(crate) fn new(config: RealmConfig) -> Arc<Self> {
        let broker = broker::Broker::new(&config.history);
        let access = Arc::new(Access::of(&config));
        let authorizing = !access.authorizers.is_empty();
        Arc::new_cyclic(|me| Self {
            config,
            state: Mutex::new(State {
                sessions: Default::default(),
                dealer: Default::default(),
                broker,
                draining: false,
                verdict: None,
                access,
                interfaces: Default::default(),
                validation: Default::default(),
            }),
            calls: OnceLock::new(),
            validation_asked: AtomicBool::new(false),
            authorizing: AtomicBool::new(authorizing),
            me: me.clone(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish_meta(state: &mut State, meta: MetaEvents) {
        for (topic, args) in meta {
            state.broker.publish_meta(&mut state.sessions, topic, args);
        }
    }

    pub(crate) fn stats(&self) -> RealmStats {
        let state = self.lock();
        RealmStats {
            sessions: state.sessions.len(),
            registrations: state.dealer.registrations.len(),
            subscriptions: state.broker.subscriptions.len(),
            pending_calls: state.dealer.pending_calls(),
            max_queued: state.sessions.max_queued(),
            max_queued_bytes: state.sessions.max_queued_bytes(),
        }
    }

    /// Whether a session ID is in use in this realm.
    pub(crate) fn has_session(&self, session: Id) -> bool {
        self.lock().sessions.get(session).is_some()
    }

    /// A session joins (after WELCOME was queued).
    /// A session joins, unless the realm holds its most sessions already (`false`).
    pub(crate) fn join(&self, entry: SessionEntry) -> bool {
        let mut state = self.lock();
        if self
            .config
            .max_sessions
            .is_some_and(|max| state.sessions.len() >= max)
        {
            return false;
        }
        let details = entry.details();
        state.sessions.insert(entry);
        Self::publish_meta(&mut state, vec![("wamp.session.on_join", vec![details])]);
        true
    }

    /// A session left or was disconnected: its registrations, subscriptions and calls go.
    pub(crate) fn leave(&self, session: Id) {
        let mut state = self.lock();
        let Some(entry) = state.sessions.remove(session) else {
            return;
        };
        let mut meta = MetaEvents::new();
        let State {
            sessions,
            dealer,
            broker,
            ..
        } = &mut *state;
        dealer.remove_session(sessions, &mut meta, session);
        broker.subscriptions.remove_session(&mut meta, session);
        for t in entry.testaments.into_published() {
            broker.publish(sessions, session, 0, &t.options, &t.topic, t.payload);
        }
        meta.push((
            "wamp.session.on_leave",
            vec![
                options::id(session),
                Value::Text(entry.identity.authid.clone()),
                Value::Text(entry.identity.authrole.clone()),
            ],
        ));
        Self::publish_meta(&mut state, meta);
    }

    /// Answers `wamp.session.add_testament` and `wamp.session.flush_testaments`: a testament's
    /// topic must be one the session may publish to, checked now rather than when it ends.
    fn testament_call(&self, state: &mut State, session: Id, call: wamp_core::message::Call) {
        let args = call.payload.arguments().cloned().unwrap_or_default();
        let outcome = if call.procedure == testament::FLUSH {
            testament::flush(state, session, &args)
        } else {
            testament::parse_add(&args).and_then(|(scope, t)| {
                if !uri::is_valid(&t.topic, self.config.uri_check)
                    || t.topic.starts_with(RESERVED_PREFIX)
                {
                    Err((uris::INVALID_URI, format!("invalid topic {:?}", t.topic)))
                } else if !self.allowed(state, session, Action::Publish, &t.topic) {
                    let why = format!("not authorized to publish to {}", t.topic);
                    Err((uris::NOT_AUTHORIZED, why))
                } else {
                    testament::add(state, session, scope, t)
                }
            })
        };
        let reply = match outcome {
            Ok(()) => Message::Result(wamp_core::message::Result {
                request: call.request,
                details: Dict::new(),
                payload: Payload::default(),
            }),
            Err((uri, why)) => error(code::CALL, call.request, uri, &why),
        };
        state.sessions.send(session, reply);
    }

    /// Ends every session with GOODBYE (router shutdown).
    /// Refuses new calls from now on (`wamp_rs.error.shutting_down`); the calls in flight go on.
    pub(crate) fn drain(&self) {
        self.lock().draining = true;
    }

    pub(crate) fn close_all(&self, reason: &str) {
        let mut state = self.lock();
        let ids: Vec<Id> = state.sessions.iter().map(|s| s.id).collect();
        for id in ids {
            if let Some(s) = state.sessions.get_mut(id) {
                s.close(Close::Goodbye {
                    reason: reason.to_owned(),
                    message: None,
                });
            }
        }
    }

    /// The dealer's timer for a call fired (`(callee, invocation)`).
    pub(crate) fn expire_call(&self, invocation: (Id, Id)) {
        let mut state = self.lock();
        let State {
            sessions, dealer, ..
        } = &mut *state;
        dealer.expire(sessions, invocation);
    }

    fn allowed(&self, state: &State, session: Id, action: Action, uri: &str) -> bool {
        let Some(entry) = state.sessions.get(session) else {
            return false;
        };
        if entry.service {
            return true;
        }
        let role = &entry.identity.authrole;
        if let Some(authorizer) = state.access.authorizers.get(role) {
            // The decision on this message, else one the authorizer let the router keep (the
            // history and testament procedures check a second URI).
            return match &state.verdict {
                Some(v) if v.action == action && v.uri == uri => v.decision == Decision::Allowed,
                _ => authorizer.cached(role, uri, action) == Some(true),
            };
        }
        state
            .access
            .roles
            .get(role)
            .is_some_and(|role| role.allows(action, uri))
    }

    /// Gives the realm the router's own calls (for reflection).
    pub(crate) fn attach(&self, calls: RouterCalls) {
        let _ = self.calls.set(calls);
    }

    /// Queues `message` for `session`.
    pub(crate) fn send(&self, session: Id, message: Message) {
        self.lock().sessions.send(session, message);
    }

    /// Routes one message from a joined session.
    pub(crate) fn handle(&self, session: Id, message: Message) -> Result<Flow, Violation> {
        self.handle_decided(session, message, None, None)
    }

    /// Routes one message, with a dynamic authorizer's decision on it and what payload
    /// validation found wrong with it.
    pub(crate) fn handle_decided(
        &self,
        session: Id,
        message: Message,
        verdict: Option<Verdict>,
        broken: Option<String>,
    ) -> Result<Flow, Violation> {
        let mut state = self.lock();
        let failed = matches!(&verdict, Some(v) if v.decision == Decision::Failed);
        state.verdict = verdict;
        let mut meta = MetaEvents::new();
        let check = self.config.uri_check;
        let denied = |kind: u64, request: Id, uri: &str| match failed {
            false => error(
                kind,
                request,
                uris::NOT_AUTHORIZED,
                &format!("not authorized for {uri}"),
            ),
            true => error(
                kind,
                request,
                uris::AUTHORIZATION_FAILED,
                &format!("the authorizer could not decide on {uri}"),
            ),
        };
        let invalid = |kind: u64, request: Id, uri: &str| {
            error(
                kind,
                request,
                uris::INVALID_URI,
                &format!("invalid URI {uri:?}"),
            )
        };
        if self.config.request_ids == RequestIds::Sequential {
            if let Some(request) = new_request(&message) {
                let continues = matches!(message, Message::Call(_))
                    && state
                        .dealer
                        .continues_call(&state.sessions, session, request);
                if !continues {
                    state.sessions.sequence(session, request)?;
                }
            }
        }
        match message {
            Message::Call(call) => {
                let reply = if !uri::is_valid(&call.procedure, check) {
                    Some(invalid(code::CALL, call.request, &call.procedure))
                } else if !self.allowed(&state, session, Action::Call, &call.procedure) {
                    Some(denied(code::CALL, call.request, &call.procedure))
                } else {
                    let bad = uris::INVALID_ARGUMENT;
                    broken
                        .as_deref()
                        .map(|why| error(code::CALL, call.request, bad, why))
                };
                let refused = reply.or_else(|| {
                    (state.draining
                        && !state
                            .dealer
                            .continues_call(&state.sessions, session, call.request))
                    .then(|| {
                        error(
                            code::CALL,
                            call.request,
                            uris::SHUTTING_DOWN,
                            "the router is shutting down",
                        )
                    })
                });
                if let Some(reply) = refused {
                    state.sessions.send(session, reply);
                } else if call.procedure == testament::ADD || call.procedure == testament::FLUSH {
                    self.testament_call(&mut state, session, call);
                } else if call.procedure == history::GET_EVENTS {
                    let may = |state: &State, uri: &str| {
                        self.allowed(state, session, Action::Subscribe, uri)
                    };
                    let reply = history::answer(&mut state, session, &call, may);
                    state.sessions.send(session, reply);
                } else if call.procedure.starts_with(reflection::PREFIX) {
                    reflection::start(self, &mut state, session, call);
                } else if call.procedure.starts_with(RESERVED_PREFIX) {
                    meta::call(&mut state, &mut meta, session, call);
                } else {
                    let State {
                        sessions, dealer, ..
                    } = &mut *state;
                    dealer.call(sessions, &self.me, session, call)?;
                }
            }
            Message::Register(reg) => {
                // An unknown `match` is checked as loosely as a wildcard here; the dealer then
                // refuses it with `invalid_argument`.
                let policy = dealer::parse_match(&reg.options).unwrap_or(MatchPolicy::Wildcard);
                if !uri::is_valid_pattern(&reg.procedure, check, policy)
                    || reg.procedure.starts_with(RESERVED_PREFIX)
                {
                    let reply = invalid(code::REGISTER, reg.request, &reg.procedure);
                    state.sessions.send(session, reply);
                } else if !self.allowed(&state, session, Action::Register, &reg.procedure) {
                    let reply = denied(code::REGISTER, reg.request, &reg.procedure);
                    state.sessions.send(session, reply);
                } else {
                    let State {
                        sessions,
                        dealer,
                        interfaces,
                        ..
                    } = &mut *state;
                    if interfaces.note(&reg.procedure, &reg.options) {
                        self.validation_asked.store(true, Ordering::Relaxed);
                    }
                    dealer.register(sessions, &mut meta, session, reg)?;
                }
            }
            Message::Unregister(unreg) => {
                let State {
                    sessions, dealer, ..
                } = &mut *state;
                dealer.unregister(sessions, &mut meta, session, unreg);
            }
            Message::Yield(y) => {
                let State {
                    sessions, dealer, ..
                } = &mut *state;
                dealer.yield_(sessions, session, y)?;
            }
            Message::Error(e) if e.request_type == code::INVOCATION => {
                let State {
                    sessions, dealer, ..
                } = &mut *state;
                dealer.invocation_error(sessions, &self.me, session, e)?;
            }
            Message::Cancel(c) => {
                let State {
                    sessions, dealer, ..
                } = &mut *state;
                dealer.cancel(sessions, session, c)?;
            }
            Message::Publish(p) => {
                if let Some(d) = Dialect::of(&p.options) {
                    if !state.sessions.features(session).publisher_passthru.has(d) {
                        return Err(dealer::unannounced_passthru("PUBLISH", d));
                    }
                }
                let ack = options::flag(&p.options, keys::ACKNOWLEDGE).unwrap_or(false);
                let refusal =
                    if !uri::is_valid(&p.topic, check) || p.topic.starts_with(RESERVED_PREFIX) {
                        Some(invalid(code::PUBLISH, p.request, &p.topic))
                    } else if !self.allowed(&state, session, Action::Publish, &p.topic) {
                        Some(denied(code::PUBLISH, p.request, &p.topic))
                    } else {
                        let bad = uris::INVALID_ARGUMENT;
                        broken
                            .as_deref()
                            .map(|why| error(code::PUBLISH, p.request, bad, why))
                    };
                match refusal {
                    // The spec answers a failed publication only when it asked for acknowledgement.
                    Some(reply) if ack => state.sessions.send(session, reply),
                    Some(_) => {}
                    None => {
                        let State {
                            sessions, broker, ..
                        } = &mut *state;
                        broker.publish(
                            sessions, session, p.request, &p.options, &p.topic, p.payload,
                        );
                    }
                }
            }
            Message::Subscribe(s) => {
                let policy = dealer::parse_match(&s.options).unwrap_or(MatchPolicy::Wildcard);
                if !uri::is_valid_pattern(&s.topic, check, policy) {
                    let reply = invalid(code::SUBSCRIBE, s.request, &s.topic);
                    state.sessions.send(session, reply);
                } else if !self.allowed(&state, session, Action::Subscribe, &s.topic) {
                    let reply = denied(code::SUBSCRIBE, s.request, &s.topic);
                    state.sessions.send(session, reply);
                } else {
                    let State {
                        sessions, broker, ..
                    } = &mut *state;
                    broker.subscribe(sessions, &mut meta, session, s)?;
                }
            }
            Message::Unsubscribe(u) => {
                let State {
                    sessions, broker, ..
                } = &mut *state;
                broker.unsubscribe(sessions, &mut meta, session, u);
            }
            Message::Goodbye(_) => return Ok(Flow::Goodbye),
            Message::Abort(_) => return Ok(Flow::Aborted),
            other => {
                return Err(Violation(format!(
                    "{} is not a message a client sends in an established session",
                    other.name()
                )))
            }
        }
        Self::publish_meta(&mut state, meta);
        Ok(Flow::Continue)
    }
}

/// The ID of a request a client starts (as opposed to one it answers or refers to).
fn new_request(message: &Message) -> Option<Id> {
    match message {
        Message::Call(m) => Some(m.request),
        Message::Publish(m) => Some(m.request),
        Message::Subscribe(m) => Some(m.request),
        Message::Unsubscribe(m) => Some(m.request),
        Message::Register(m) => Some(m.request),
        Message::Unregister(m) => Some(m.request),
        _ => None,
    }
}
