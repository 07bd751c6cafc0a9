//! The dealer: registrations (exact, prefix, wildcard; shared with an invocation policy) here,
//! and the calls in flight between callers and callees in [`calls`].

mod calls;
mod reroute;

pub(crate) use calls::unannounced_passthru;

use rand::Rng as _;
use wamp_core::message::{code, keys, uris, InvokePolicy, Register, Registered, Unregister};
use wamp_core::message::{MatchPolicy, Unregistered};
use wamp_core::{Dict, Id, Message};

use super::membership::{Group, Groups, Kind, Member};
use super::options::{flag, policy, text, text_value};
use super::sessions::Sessions;
use super::{error, MetaEvents, Violation};

/// Reads the `match` option (absent means exact); `None` for a value the spec does not name.
pub(crate) fn parse_match(options: &Dict) -> Option<MatchPolicy> {
    text(options, keys::MATCH).map_or(Some(MatchPolicy::Exact), MatchPolicy::parse)
}

/// One callee of a registration, with what it asked for when it registered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Callee {
    session: Id,
    disclose_caller: bool,
    forward_timeout: bool,
}

impl Member for Callee {
    fn session(&self) -> Id {
        self.session
    }
}

/// What a registration keeps beyond its members: how it picks among them.
#[derive(Debug)]
pub(crate) struct Sharing {
    invoke: InvokePolicy,
    next: usize,
}

/// A registration.
pub(crate) type Registration = Group<Callee, Sharing>;

impl Registration {
    /// The details the registration meta API gives.
    pub(crate) fn meta_details(&self) -> Dict {
        let mut details = self.details();
        details.insert(keys::INVOKE.into(), text_value(self.extra.invoke.name()));
        details
    }

    fn pick(&mut self) -> Option<Callee> {
        let n = self.members.len();
        let index = match self.extra.invoke {
            InvokePolicy::Single | InvokePolicy::First => 0,
            InvokePolicy::Last => n.checked_sub(1)?,
            InvokePolicy::RoundRobin => {
                let i = self.extra.next % n.max(1);
                self.extra.next = i + 1;
                i
            }
            InvokePolicy::Random => rand::thread_rng().gen_range(0..n.max(1)),
        };
        self.members.get(index).copied()
    }
}

/// Registrations and calls in flight.
#[derive(Debug)]
pub(crate) struct Dealer {
    pub(crate) registrations: Groups<Callee, Sharing>,
    calls: calls::Calls,
}

impl Default for Dealer {
    fn default() -> Self {
        Self {
            registrations: Groups::new(Kind::Registration),
            calls: calls::Calls::default(),
        }
    }
}

impl Dealer {
    /// Calls in flight (for tests and metrics).
    pub(crate) fn pending_calls(&self) -> usize {
        self.calls.len()
    }

    pub(crate) fn register(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Register,
    ) -> Result<(), Violation> {
        let refuse = |sessions: &mut Sessions, uri: &str, why: &str| {
            sessions.send(session, error(code::REGISTER, msg.request, uri, why));
            Ok(())
        };
        // An implementation-specific value this router does not implement fails the request.
        let options = &msg.options;
        let Some(matching) = policy(options, keys::MATCH, MatchPolicy::Exact, MatchPolicy::parse)?
        else {
            return refuse(sessions, uris::INVALID_ARGUMENT, "unknown match policy");
        };
        let single = InvokePolicy::Single;
        let Some(invoke) = policy(options, keys::INVOKE, single, InvokePolicy::parse)? else {
            return refuse(
                sessions,
                uris::INVALID_ARGUMENT,
                "unknown invocation policy",
            );
        };
        let callee = Callee {
            session,
            disclose_caller: flag(&msg.options, keys::DISCLOSE_CALLER).unwrap_or(false),
            forward_timeout: flag(&msg.options, keys::FORWARD_TIMEOUT).unwrap_or(false),
        };
        let registration = match self.registrations.find(matching, &msg.procedure) {
            Some(existing) => {
                let Some(reg) = self.registrations.get(existing) else {
                    return Ok(());
                };
                if reg.extra.invoke == InvokePolicy::Single || reg.extra.invoke != invoke {
                    let why = format!(
                        "{} is already registered with invocation policy {}",
                        reg.uri, reg.extra.invoke
                    );
                    return refuse(sessions, uris::PROCEDURE_ALREADY_EXISTS, &why);
                }
                if !self.registrations.join(meta, existing, callee) {
                    let why = "this session already registered the procedure";
                    return refuse(sessions, uris::PROCEDURE_ALREADY_EXISTS, why);
                }
                existing
            }
            None => {
                let sharing = Sharing { invoke, next: 0 };
                self.registrations.create(
                    meta,
                    &msg.procedure,
                    matching,
                    callee,
                    sharing,
                    Registration::meta_details,
                )
            }
        };
        sessions.send(
            session,
            Message::Registered(Registered {
                request: msg.request,
                registration,
            }),
        );
        Ok(())
    }

    pub(crate) fn unregister(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Unregister,
    ) {
        let reply = if self.registrations.detach(meta, session, msg.registration) {
            Message::Unregistered(Unregistered {
                request: msg.request,
                details: None,
            })
        } else {
            error(
                code::UNREGISTER,
                msg.request,
                uris::NO_SUCH_REGISTRATION,
                "no such registration of this session",
            )
        };
        sessions.send(session, reply);
    }

    /// A session left: its registrations go, and its calls as callee or caller end.
    pub(crate) fn remove_session(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
    ) {
        self.registrations.remove_session(meta, session);
        self.calls.remove_session(sessions, session);
    }
}
