//! Calls in flight: INVOCATION to the callee, progressive results and invocations, canceling,
//! timeouts and caller identification.
//!
//! INVOCATION request IDs are in the callee's session scope, as the spec requires: each callee's
//! invocations are numbered 1, 2, 3... (wrapping to 1 after 2^53). That also tells a late answer
//! (to an invocation issued, then canceled or timed out: dropped quietly) from an answer to one
//! never issued (a protocol violation).

use std::collections::HashMap;
use std::sync::Weak;
use std::time::{Duration, Instant};

use wamp_core::message::{code, keys, passthru, uris, CancelMode, Dialect, MatchPolicy, MAX_ID};
use wamp_core::message::{Call, Cancel, Error, Interrupt, Invocation, Result as CallResult, Yield};
use wamp_core::{Dict, Id, Message, Value};

use super::super::options::{dict, flag, id, policy, text_value, uint};
use super::super::sessions::{disclose_me, Sessions};
use super::super::{error, Realm, Violation};
use super::reroute::{Outgoing, Retry};
use super::Dealer;

/// One call waiting for its callee, keyed by `(callee, invocation)`.
#[derive(Debug)]
struct PendingCall {
    caller: Id,
    caller_request: Id,
    registration: Id,
    receive_progress: bool,
    /// The caller is still sending progressive CALL chunks.
    input_open: bool,
    /// A `kill` cancel is waiting for the callee's answer.
    killing: bool,
    timer: Option<tokio::task::AbortHandle>,
    /// The CALL as it arrived, when another callee could take it ([`Retry::keep`]).
    retry: Option<Box<Retry>>,
}

/// The INVOCATION request IDs issued to one callee.
#[derive(Debug, Default, Clone, Copy)]
struct Issued {
    last: Id,
    wrapped: bool,
}

impl Issued {
    fn next(&mut self) -> Id {
        if self.last >= MAX_ID {
            self.last = 0;
            self.wrapped = true;
        }
        self.last += 1;
        self.last
    }

    fn includes(self, request: Id) -> bool {
        self.wrapped || (1..=self.last).contains(&request)
    }
}

/// Calls in flight and the per-session counters they need.
#[derive(Debug, Default)]
pub(super) struct Calls {
    pending: HashMap<(Id, Id), PendingCall>,
    /// `(caller, CALL.Request)` -> `(callee, INVOCATION.Request)`.
    by_caller: HashMap<(Id, Id), (Id, Id)>,
    issued: HashMap<Id, Issued>,
    /// The highest CALL request ID of each caller that announced progressive call invocations:
    /// a CALL at or below it that matches no call in progress continues a call that has ended.
    watermark: HashMap<Id, Id>,
}

impl Calls {
    pub(super) fn len(&self) -> usize {
        self.pending.len()
    }

    fn finish(&mut self, key: (Id, Id)) -> Option<PendingCall> {
        let call = self.pending.remove(&key)?;
        self.by_caller.remove(&(call.caller, call.caller_request));
        if let Some(timer) = &call.timer {
            timer.abort();
        }
        Some(call)
    }

    /// The call a callee's YIELD or ERROR answers: `None` for a late answer to an invocation that
    /// has ended (dropped quietly, as the spec's cancel and timeout rules say), a violation for
    /// one never issued.
    fn answered(&self, callee: Id, request: Id, what: &str) -> Result<Option<(Id, Id)>, Violation> {
        let key = (callee, request);
        if self.pending.contains_key(&key) {
            return Ok(Some(key));
        }
        if self
            .issued
            .get(&callee)
            .is_some_and(|i| i.includes(request))
        {
            return Ok(None);
        }
        Err(Violation(format!(
            "{what} for INVOCATION {request}, which was never issued to this session"
        )))
    }

    /// A session left: calls to it fail with `canceled`, its calls as caller are interrupted.
    pub(super) fn remove_session(&mut self, sessions: &mut Sessions, session: Id) {
        let affected: Vec<(Id, Id)> = self
            .pending
            .iter()
            .filter(|((callee, _), c)| *callee == session || c.caller == session)
            .map(|(key, _)| *key)
            .collect();
        for key in affected {
            let Some(call) = self.finish(key) else {
                continue;
            };
            let (callee, invocation) = key;
            if callee == session && call.caller != session {
                let why = "the callee left the realm";
                let reply = error(code::CALL, call.caller_request, uris::CANCELED, why);
                sessions.send(call.caller, reply);
            } else if callee != session && sessions.features(callee).callee_cancel {
                interrupt(sessions, callee, invocation, uris::CANCELED);
            }
        }
        self.issued.remove(&session);
        self.watermark.remove(&session);
    }
}

/// A passthru payload from a session that did not announce its dialect: a protocol violation.
pub(crate) fn unannounced_passthru(what: &str, dialect: Dialect) -> Violation {
    Violation(format!(
        "{what} uses payload passthru ({dialect:?} dialect) but the session did not announce {}",
        dialect.feature()
    ))
}

/// Sends INTERRUPT `killnowait` with a reason.
fn interrupt(sessions: &mut Sessions, callee: Id, invocation: Id, reason: &str) {
    sessions.send(
        callee,
        Message::Interrupt(Interrupt {
            request: invocation,
            options: dict([
                (keys::MODE, text_value(CancelMode::KillNoWait.name())),
                (keys::REASON, text_value(reason)),
            ]),
        }),
    );
}

impl Dealer {
    /// Whether a CALL with this request ID continues a call rather than starting one: a chunk
    /// of a progressive call in progress, or one the spec says to discard (at or below the
    /// caller's watermark).
    pub(crate) fn continues_call(&self, sessions: &Sessions, caller: Id, request: Id) -> bool {
        self.calls.by_caller.contains_key(&(caller, request))
            || (sessions.features(caller).caller_progressive_invocations
                && self
                    .calls
                    .watermark
                    .get(&caller)
                    .is_some_and(|w| request <= *w))
    }

    pub(crate) fn call(
        &mut self,
        sessions: &mut Sessions,
        realm: &Weak<Realm>,
        session: Id,
        msg: Call,
    ) -> Result<(), Violation> {
        let progress = flag(&msg.options, keys::PROGRESS).unwrap_or(false);
        let caller_features = sessions.features(session);
        if progress && !caller_features.caller_progressive_invocations {
            return Err(Violation(
                "a progressive CALL from a caller that did not announce \
                 progressive_call_invocations"
                    .into(),
            ));
        }
        if let Some(&key) = self.calls.by_caller.get(&(session, msg.request)) {
            return self.continue_call(sessions, key, progress, msg);
        }
        if caller_features.caller_progressive_invocations {
            let watermark = self.calls.watermark.entry(session).or_default();
            if msg.request <= *watermark {
                // A continuation of a call that has ended: the spec says discard it.
                return Ok(());
            }
            *watermark = msg.request;
        }
        if let Some(dialect) = Dialect::of(&msg.options) {
            if !caller_features.caller_passthru.has(dialect) {
                return Err(unannounced_passthru("CALL", dialect));
            }
        }
        let Some(reg_id) = self.registrations.table.best_match(&msg.procedure) else {
            let why = format!("no callee registered procedure {}", msg.procedure);
            let reply = error(code::CALL, msg.request, uris::NO_SUCH_PROCEDURE, &why);
            sessions.send(session, reply);
            return Ok(());
        };
        let out = Outgoing {
            caller: session,
            request: msg.request,
            procedure: msg.procedure,
            options: msg.options,
            payload: msg.payload,
            progress,
            tried: Vec::new(),
            started: Instant::now(),
        };
        self.route(sessions, realm, reg_id, out);
        Ok(())
    }

    /// Invokes a callee of registration `reg_id` for a CALL (its first callee, or, for a
    /// reroute, the next one the policy gives).
    fn route(&mut self, sessions: &mut Sessions, realm: &Weak<Realm>, reg_id: Id, out: Outgoing) {
        let reply = |uri: &str, why: &str| error(code::CALL, out.request, uri, why);
        let Some(reg) = self.registrations.get_mut(reg_id) else {
            let why = "every callee of the procedure left";
            sessions.send(out.caller, reply(uris::NO_AVAILABLE_CALLEE, why));
            return;
        };
        let picked = if out.tried.is_empty() {
            reg.pick()
        } else {
            reg.pick_other(&out.tried)
        };
        let Some(callee) = picked else {
            let why = if out.tried.is_empty() {
                "no callee available"
            } else {
                "every callee answered that it is unavailable"
            };
            sessions.send(out.caller, reply(uris::NO_AVAILABLE_CALLEE, why));
            return;
        };
        let features = sessions.features(callee.session);
        if out.progress && !(features.callee_progressive_invocations && features.callee_cancel) {
            let why = "the callee does not support progressive call invocations";
            sessions.send(out.caller, reply(uris::FEATURE_NOT_SUPPORTED, why));
            return;
        }
        if let Some(dialect) = Dialect::of(&out.options) {
            if !features.callee_passthru.has(dialect) {
                let why = format!(
                    "the callee did not announce {}, which the call's payload uses",
                    dialect.feature()
                );
                sessions.send(out.caller, reply(uris::FEATURE_NOT_SUPPORTED, &why));
                return;
            }
        }
        let receive_progress = flag(&out.options, keys::RECEIVE_PROGRESS).unwrap_or(false)
            && features.callee_progressive_results;
        let mut details = Dict::new();
        if reg.policy != MatchPolicy::Exact {
            details.insert(keys::PROCEDURE.into(), Value::Text(out.procedure.clone()));
        }
        if receive_progress {
            details.insert(keys::RECEIVE_PROGRESS.into(), Value::Bool(true));
        }
        if out.progress {
            details.insert(keys::PROGRESS.into(), Value::Bool(true));
        }
        passthru::forward(&out.options, &mut details);
        // The caller's trace context (`_traceparent`, `_tracestate`), when well formed.
        wamp_core::trace::forward(&out.options, &mut details);
        if callee.disclose_caller || disclose_me(&out.options) {
            if let Some(caller) = sessions.identity(out.caller) {
                details.insert(keys::CALLER.into(), id(out.caller));
                details.insert(keys::CALLER_AUTHID.into(), text_value(&caller.authid));
                details.insert(keys::CALLER_AUTHROLE.into(), text_value(&caller.authrole));
            }
        }
        let retry = Retry::keep(&out, reg);
        let invocation = self.calls.issued.entry(callee.session).or_default().next();
        let key = (callee.session, invocation);
        // A timeout counts from the CALL, across reroutes.
        let timeout = uint(&out.options, keys::TIMEOUT)
            .filter(|t| *t > 0)
            .map(|ms| {
                let elapsed = u64::try_from(out.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                ms.saturating_sub(elapsed).max(1)
            });
        let mut timer = None;
        if let Some(ms) = timeout {
            if callee.forward_timeout && features.callee_timeout {
                details.insert(keys::TIMEOUT.into(), Value::from(ms));
            } else {
                let realm = realm.clone();
                timer = Some(
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        if let Some(realm) = realm.upgrade() {
                            realm.expire_call(key);
                        }
                    })
                    .abort_handle(),
                );
            }
        }
        sessions.send(
            callee.session,
            Message::Invocation(Invocation {
                request: invocation,
                registration: reg_id,
                details,
                payload: out.payload,
            }),
        );
        self.calls.pending.insert(
            key,
            PendingCall {
                caller: out.caller,
                caller_request: out.request,
                registration: reg_id,
                receive_progress,
                input_open: out.progress,
                killing: false,
                timer,
                retry,
            },
        );
        self.calls.by_caller.insert((out.caller, out.request), key);
    }

    /// A further CALL chunk of a progressive call invocation.
    fn continue_call(
        &mut self,
        sessions: &mut Sessions,
        key: (Id, Id),
        progress: bool,
        msg: Call,
    ) -> Result<(), Violation> {
        let Some(call) = self.calls.pending.get_mut(&key) else {
            return Ok(());
        };
        if !call.input_open {
            return Err(Violation(format!(
                "CALL reuses request ID {} of a call in progress",
                msg.request
            )));
        }
        call.input_open = progress;
        let mut details = Dict::new();
        if progress {
            details.insert(keys::PROGRESS.into(), Value::Bool(true));
        }
        // The spec freezes a progressive call's options at its first CALL, but a chunk's
        // passthru attributes describe that chunk's payload, which cannot be read without them.
        passthru::forward(&msg.options, &mut details);
        let (callee, invocation) = key;
        sessions.send(
            callee,
            Message::Invocation(Invocation {
                request: invocation,
                registration: call.registration,
                details,
                payload: msg.payload,
            }),
        );
        Ok(())
    }

    pub(crate) fn yield_(
        &mut self,
        sessions: &mut Sessions,
        session: Id,
        msg: Yield,
    ) -> Result<(), Violation> {
        let dialect = Dialect::of(&msg.options);
        if let Some(d) = dialect.filter(|d| !sessions.features(session).callee_passthru.has(*d)) {
            return Err(unannounced_passthru("YIELD", d));
        }
        let Some(key) = self.calls.answered(session, msg.request, "YIELD")? else {
            return Ok(());
        };
        let progress = flag(&msg.options, keys::PROGRESS).unwrap_or(false);
        if self.refuse_passthru_answer(sessions, key, dialect) {
            return Ok(());
        }
        let mut details = Dict::new();
        passthru::forward(&msg.options, &mut details);
        if progress {
            if let Some(call) = self.calls.pending.get(&key).filter(|c| c.receive_progress) {
                details.insert(keys::PROGRESS.into(), Value::Bool(true));
                sessions.send(
                    call.caller,
                    Message::Result(CallResult {
                        request: call.caller_request,
                        details,
                        payload: msg.payload,
                    }),
                );
            }
            return Ok(());
        }
        if let Some(call) = self.calls.finish(key) {
            sessions.send(
                call.caller,
                Message::Result(CallResult {
                    request: call.caller_request,
                    details,
                    payload: msg.payload,
                }),
            );
        }
        Ok(())
    }

    /// A callee answered a call in a passthru dialect its caller did not announce. The spec
    /// says to answer the callee `feature_not_supported`, but defines no ERROR for a YIELD;
    /// this dealer ends the call instead: the caller gets `feature_not_supported` (it could not
    /// read the answer) and the callee, if it is still running, an INTERRUPT.
    fn refuse_passthru_answer(
        &mut self,
        sessions: &mut Sessions,
        key: (Id, Id),
        dialect: Option<Dialect>,
    ) -> bool {
        let Some(dialect) = dialect else {
            return false;
        };
        let caller = match self.calls.pending.get(&key) {
            Some(call) if !sessions.features(call.caller).caller_passthru.has(dialect) => {
                call.caller
            }
            _ => return false,
        };
        if let Some(call) = self.calls.finish(key) {
            let why = format!(
                "the callee answered in {}, which the caller did not announce",
                dialect.feature()
            );
            let reply = error(
                code::CALL,
                call.caller_request,
                uris::FEATURE_NOT_SUPPORTED,
                &why,
            );
            sessions.send(caller, reply);
            let (callee, invocation) = key;
            if sessions.features(callee).callee_cancel {
                interrupt(sessions, callee, invocation, uris::FEATURE_NOT_SUPPORTED);
            }
        }
        true
    }

    /// An ERROR from a callee answering an INVOCATION: forwarded to the caller, or, for
    /// `unavailable` from a callee that announced `call_reroute`, the call goes to another
    /// callee ([`super::reroute`]).
    pub(crate) fn invocation_error(
        &mut self,
        sessions: &mut Sessions,
        realm: &Weak<Realm>,
        session: Id,
        msg: Error,
    ) -> Result<(), Violation> {
        let dialect = Dialect::of(&msg.details);
        if let Some(d) = dialect.filter(|d| !sessions.features(session).callee_passthru.has(*d)) {
            return Err(unannounced_passthru("ERROR", d));
        }
        let Some(key) = self.calls.answered(session, msg.request, "ERROR")? else {
            return Ok(());
        };
        if msg.error == uris::UNAVAILABLE && sessions.features(session).callee_reroute {
            if let Some(call) = self.calls.finish(key) {
                match call.retry {
                    Some(retry) => {
                        let out = retry.outgoing(call.caller, call.caller_request, session);
                        self.route(sessions, realm, call.registration, out);
                    }
                    None => {
                        let why = "the callee is unavailable and no other callee is left";
                        let reply = error(
                            code::CALL,
                            call.caller_request,
                            uris::NO_AVAILABLE_CALLEE,
                            why,
                        );
                        sessions.send(call.caller, reply);
                    }
                }
            }
            return Ok(());
        }
        if self.refuse_passthru_answer(sessions, key, dialect) {
            return Ok(());
        }
        if let Some(call) = self.calls.finish(key) {
            sessions.send(
                call.caller,
                Message::Error(Error {
                    request_type: code::CALL,
                    request: call.caller_request,
                    details: msg.details,
                    error: msg.error,
                    payload: msg.payload,
                }),
            );
        }
        Ok(())
    }

    pub(crate) fn cancel(
        &mut self,
        sessions: &mut Sessions,
        session: Id,
        msg: Cancel,
    ) -> Result<(), Violation> {
        let default = CancelMode::default();
        let Some(mode) = policy(&msg.options, keys::MODE, default, CancelMode::parse)? else {
            // The spec defines no ERROR for a CANCEL: one that asks for a mode this router does
            // not implement is ignored, and the call goes on to its normal end.
            tracing::debug!(
                session,
                "CANCEL with an implementation-specific mode ignored"
            );
            return Ok(());
        };
        let Some(&key) = self.calls.by_caller.get(&(session, msg.request)) else {
            return Ok(());
        };
        let Some(call) = self.calls.pending.get_mut(&key) else {
            return Ok(());
        };
        if call.killing {
            return Ok(());
        }
        let (callee, invocation) = key;
        let interrupts = mode != CancelMode::Skip && sessions.features(callee).callee_cancel;
        if interrupts {
            sessions.send(
                callee,
                Message::Interrupt(Interrupt {
                    request: invocation,
                    options: dict([(keys::MODE, text_value(mode.name()))]),
                }),
            );
        }
        if interrupts && mode == CancelMode::Kill {
            // The caller gets the callee's answer, whatever it is.
            call.killing = true;
            return Ok(());
        }
        if let Some(call) = self.calls.finish(key) {
            let why = "the call was canceled";
            let reply = error(code::CALL, call.caller_request, uris::CANCELED, why);
            sessions.send(call.caller, reply);
        }
        Ok(())
    }

    /// The dealer-enforced timeout of a call fired.
    pub(crate) fn expire(&mut self, sessions: &mut Sessions, key: (Id, Id)) {
        let Some(call) = self.calls.finish(key) else {
            return;
        };
        let (callee, invocation) = key;
        if sessions.features(callee).callee_cancel {
            interrupt(sessions, callee, invocation, uris::TIMEOUT);
        }
        let reply = error(
            code::CALL,
            call.caller_request,
            uris::TIMEOUT,
            "the call timed out",
        );
        sessions.send(call.caller, reply);
    }
}
