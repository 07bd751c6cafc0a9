//! Call Re-Routing (wamp-proto `rfc/text/advanced/rpc_call_rerouting.md`): a callee that
//! announced `call_reroute` and answers an INVOCATION with `wamp.error.unavailable` is treated as
//! if it were not registered, and the dealer invokes the next callee of the registration by its
//! invocation policy. When none is left (or the policy is `single`), the caller gets
//! `wamp.error.no_available_callee`, as the spec says; it never sees `unavailable`.
//!
//! Crossbar.io 26.10.1 and nexus do not implement it (Crossbar forwards `unavailable` to the
//! caller unchanged and does not announce the feature).

use std::time::Instant;

use rand::Rng as _;
use wamp_core::message::{InvokePolicy, Payload};
use wamp_core::{Dict, Id};

use super::{Callee, Registration};

/// A CALL on its way to a callee: what the dealer needs to invoke it, and again elsewhere if the
/// callee answers `unavailable`.
#[derive(Debug)]
pub(super) struct Outgoing {
    pub(super) caller: Id,
    pub(super) request: Id,
    pub(super) procedure: String,
    pub(super) options: Dict,
    pub(super) payload: Payload,
    /// The CALL started a progressive call invocation (its later chunks go to the same callee).
    pub(super) progress: bool,
    /// The callees that answered `unavailable`, in order.
    pub(super) tried: Vec<Id>,
    /// When the CALL arrived: a timeout counts from here across reroutes.
    pub(super) started: Instant,
}

/// What a call in flight keeps to be rerouted: the CALL as it arrived. Kept only for a shared
/// registration with another callee to try, and not for a progressive call invocation (its
/// chunks already went to the callee).
#[derive(Debug)]
pub(super) struct Retry {
    pub(super) procedure: String,
    pub(super) options: Dict,
    pub(super) payload: Payload,
    pub(super) tried: Vec<Id>,
    pub(super) started: Instant,
}

impl Retry {
    /// Keeps what `out` needs to be rerouted from `registration`, if it can be.
    pub(super) fn keep(out: &Outgoing, registration: &Registration) -> Option<Box<Retry>> {
        let shared = registration.extra.invoke != InvokePolicy::Single;
        // The callee about to be invoked is one of the untried; another must be left.
        let untried = registration
            .members
            .iter()
            .filter(|m| !out.tried.contains(&m.session))
            .count();
        (shared && untried > 1 && !out.progress).then(|| {
            Box::new(Retry {
                procedure: out.procedure.clone(),
                options: out.options.clone(),
                payload: out.payload.clone(),
                tried: out.tried.clone(),
                started: out.started,
            })
        })
    }

    /// The CALL again, with `unavailable` added to the callees tried.
    pub(super) fn outgoing(self, caller: Id, request: Id, unavailable: Id) -> Outgoing {
        let mut tried = self.tried;
        tried.push(unavailable);
        Outgoing {
            caller,
            request,
            procedure: self.procedure,
            options: self.options,
            payload: self.payload,
            progress: false,
            tried,
            started: self.started,
        }
    }
}

impl Registration {
    /// The next callee by the invocation policy, as if the callees in `tried` were not
    /// registered: `single` has none; `first` and `last` take the next one registered after or
    /// before; `roundrobin` goes on round the queue; `random` draws among the rest.
    pub(super) fn pick_other(&mut self, tried: &[Id]) -> Option<Callee> {
        let untried = |c: &&Callee| !tried.contains(&c.session);
        match self.extra.invoke {
            InvokePolicy::Single => None,
            InvokePolicy::First => self.members.iter().find(untried).copied(),
            InvokePolicy::Last => self.members.iter().rev().find(untried).copied(),
            InvokePolicy::RoundRobin => {
                for _ in 0..self.members.len() {
                    let callee = self.pick()?;
                    if !tried.contains(&callee.session) {
                        return Some(callee);
                    }
                }
                None
            }
            InvokePolicy::Random => {
                let rest: Vec<Callee> = self.members.iter().filter(untried).copied().collect();
                if rest.is_empty() {
                    return None;
                }
                rest.get(rand::thread_rng().gen_range(0..rest.len()))
                    .copied()
            }
        }
    }
}
