//! The dealer: registrations (exact, prefix, wildcard; shared with an invocation policy) and the
//! calls in flight between callers and callees, with progressive results and invocations,
//! canceling, timeouts and caller identification.

use std::collections::HashMap;
use std::sync::Weak;
use std::time::Duration;

use rand::Rng as _;
use wamp_core::message::{
    code, Call, Cancel, Error, Interrupt, Invocation, Register, Registered, Result as CallResult,
    Unregister, Unregistered, Yield,
};
use wamp_core::session::InvokePolicy;
use wamp_core::{Dict, Id, MatchPolicy, Message, Value};

use super::options::{dict, flag, id, text, text_value, uint};
use super::sessions::{disclose_me, Sessions};
use super::{error, random_id, MetaEvents, Realm, Violation};
use crate::matching::UriTable;

/// Reads the `match` option (absent means exact); `None` for a policy the spec does not name.
pub(crate) fn parse_match(options: &Dict) -> Option<MatchPolicy> {
    text(options, "match").map_or(Some(MatchPolicy::Exact), MatchPolicy::parse)
}

#[derive(Debug, Clone, Copy)]
struct Callee {
    session: Id,
    disclose_caller: bool,
    forward_timeout: bool,
}

#[derive(Debug)]
pub(crate) struct Registration {
    pub(crate) id: Id,
    pub(crate) uri: String,
    pub(crate) policy: MatchPolicy,
    pub(crate) invoke: InvokePolicy,
    pub(crate) created: String,
    callees: Vec<Callee>,
    next: usize,
}

impl Registration {
    /// The details the registration meta API gives.
    pub(crate) fn details(&self) -> Value {
        wamp_core::value::dict_to_value(dict([
            ("id", id(self.id)),
            ("created", text_value(&self.created)),
            ("uri", text_value(&self.uri)),
            ("match", text_value(self.policy.name())),
            ("invoke", text_value(self.invoke.as_str())),
        ]))
    }

    pub(crate) fn callees(&self) -> impl Iterator<Item = Id> + '_ {
        self.callees.iter().map(|c| c.session)
    }

    fn pick(&mut self) -> Option<Callee> {
        let n = self.callees.len();
        let index = match self.invoke {
            InvokePolicy::Single | InvokePolicy::First => 0,
            InvokePolicy::Last => n.checked_sub(1)?,
            InvokePolicy::RoundRobin => {
                let i = self.next % n.max(1);
                self.next = i + 1;
                i
            }
            InvokePolicy::Random => rand::thread_rng().gen_range(0..n.max(1)),
        };
        self.callees.get(index).copied()
    }
}

#[derive(Debug)]
struct PendingCall {
    caller: Id,
    caller_request: Id,
    callee: Id,
    registration: Id,
    receive_progress: bool,
    /// The caller is still sending progressive CALL chunks.
    input_open: bool,
    /// A `kill` cancel is waiting for the callee's answer.
    killing: bool,
    timer: Option<tokio::task::AbortHandle>,
}

/// Registrations and calls in flight.
#[derive(Debug, Default)]
pub(crate) struct Dealer {
    pub(crate) table: UriTable,
    pub(crate) registrations: HashMap<Id, Registration>,
    calls: HashMap<Id, PendingCall>,
    by_caller: HashMap<(Id, Id), Id>,
    next_invocation: Id,
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
    ) {
        let Some(policy) = parse_match(&msg.options) else {
            return sessions.send(
                session,
                error(
                    code::REGISTER,
                    msg.request,
                    INVALID_ARGUMENT,
                    "unknown match policy",
                ),
            );
        };
        let Some(invoke) = InvokePolicy::parse(text(&msg.options, "invoke").unwrap_or("single"))
        else {
            return sessions.send(
                session,
                error(
                    code::REGISTER,
                    msg.request,
                    INVALID_ARGUMENT,
                    "unknown invocation policy",
                ),
            );
        };
        let callee = Callee {
            session,
            disclose_caller: flag(&msg.options, "disclose_caller").unwrap_or(false),
            forward_timeout: flag(&msg.options, "forward_timeout").unwrap_or(false),
        };
        let registration = match self.table.get(policy, &msg.procedure) {
            Some(existing) => {
                let Some(reg) = self.registrations.get_mut(&existing) else {
                    return;
                };
                if reg.invoke == InvokePolicy::Single || reg.invoke != invoke {
                    let why = format!(
                        "{} is already registered with invocation policy {}",
                        reg.uri,
                        reg.invoke.as_str()
                    );
                    return sessions.send(
                        session,
                        error(code::REGISTER, msg.request, ALREADY_EXISTS, &why),
                    );
                }
                if reg.callees.iter().any(|c| c.session == session) {
                    return sessions.send(
                        session,
                        error(
                            code::REGISTER,
                            msg.request,
                            ALREADY_EXISTS,
                            "this session already registered the procedure",
                        ),
                    );
                }
                reg.callees.push(callee);
                existing
            }
            None => {
                let reg_id = random_id(|id| self.registrations.contains_key(&id));
                let reg = Registration {
                    id: reg_id,
                    uri: msg.procedure.clone(),
                    policy,
                    invoke,
                    created: crate::timestamp::now(),
                    callees: vec![callee],
                    next: 0,
                };
                meta.push((
                    "wamp.registration.on_create",
                    vec![id(session), reg.details()],
                ));
                self.table.insert(policy, &msg.procedure, reg_id);
                self.registrations.insert(reg_id, reg);
                reg_id
            }
        };
        sessions.send(
            session,
            Message::Registered(Registered {
                request: msg.request,
                registration,
            }),
        );
        meta.push((
            "wamp.registration.on_register",
            vec![id(session), id(registration)],
        ));
    }

    pub(crate) fn unregister(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Unregister,
    ) {
        if self.detach(meta, session, msg.registration) {
            sessions.send(
                session,
                Message::Unregistered(Unregistered {
                    request: msg.request,
                    details: None,
                }),
            );
        } else {
            sessions.send(
                session,
                error(
                    code::UNREGISTER,
                    msg.request,
                    wamp_core::error::uris::NO_SUCH_REGISTRATION,
                    "no such registration of this session",
                ),
            );
        }
    }

    /// Removes `session` from a registration, deleting it when it was the last callee.
    fn detach(&mut self, meta: &mut MetaEvents, session: Id, registration: Id) -> bool {
        let Some(reg) = self.registrations.get_mut(&registration) else {
            return false;
        };
        let before = reg.callees.len();
        reg.callees.retain(|c| c.session != session);
        if reg.callees.len() == before {
            return false;
        }
        meta.push((
            "wamp.registration.on_unregister",
            vec![id(session), id(registration)],
        ));
        if reg.callees.is_empty() {
            self.table.remove(reg.policy, &reg.uri);
            self.registrations.remove(&registration);
            meta.push((
                "wamp.registration.on_delete",
                vec![id(session), id(registration)],
            ));
        }
        true
    }

    /// Revokes a callee's registration (`wamp.registration.remove_callee`): the callee gets
    /// `UNREGISTERED(0, {registration, reason})` if it announced registration revocation.
    pub(crate) fn revoke(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        registration: Id,
        callee: Id,
        reason: Option<String>,
    ) -> bool {
        if !self.detach(meta, callee, registration) {
            return false;
        }
        if sessions.features(callee).callee_revocation {
            let mut details = dict([("registration", id(registration))]);
            if let Some(reason) = reason {
                details.insert("reason".into(), Value::Text(reason));
            }
            sessions.send(
                callee,
                Message::Unregistered(Unregistered {
                    request: 0,
                    details: Some(details),
                }),
            );
        }
        true
    }

    pub(crate) fn call(
        &mut self,
        sessions: &mut Sessions,
        realm: &Weak<Realm>,
        session: Id,
        msg: Call,
    ) -> Result<(), Violation> {
        let progress = flag(&msg.options, "progress").unwrap_or(false);
        if let Some(&invocation) = self.by_caller.get(&(session, msg.request)) {
            return self.continue_call(sessions, invocation, progress, msg);
        }
        let Some(reg_id) = self.table.best_match(&msg.procedure) else {
            {
                sessions.send(
                    session,
                    error(
                        code::CALL,
                        msg.request,
                        wamp_core::error::uris::NO_SUCH_PROCEDURE,
                        &format!("no callee registered procedure {}", msg.procedure),
                    ),
                );
                return Ok(());
            }
        };
        let Some(reg) = self.registrations.get_mut(&reg_id) else {
            return Ok(());
        };
        let Some(callee) = reg.pick() else {
            {
                sessions.send(
                    session,
                    error(
                        code::CALL,
                        msg.request,
                        NO_AVAILABLE_CALLEE,
                        "no callee available",
                    ),
                );
                return Ok(());
            }
        };
        let features = sessions.features(callee.session);
        if progress && !(features.callee_progressive_invocations && features.callee_cancel) {
            {
                sessions.send(
                    session,
                    error(
                        code::CALL,
                        msg.request,
                        FEATURE_NOT_SUPPORTED,
                        "the callee does not support progressive call invocations",
                    ),
                );
                return Ok(());
            }
        }
        let receive_progress = flag(&msg.options, "receive_progress").unwrap_or(false)
            && features.callee_progressive_results;
        let mut details = Dict::new();
        if reg.policy != MatchPolicy::Exact {
            details.insert("procedure".into(), Value::Text(msg.procedure.clone()));
        }
        if receive_progress {
            details.insert("receive_progress".into(), Value::Bool(true));
        }
        if progress {
            details.insert("progress".into(), Value::Bool(true));
        }
        if callee.disclose_caller || disclose_me(&msg.options) {
            if let Some(caller) = sessions.identity(session) {
                details.insert("caller".into(), id(session));
                details.insert("caller_authid".into(), text_value(&caller.authid));
                details.insert("caller_authrole".into(), text_value(&caller.authrole));
            }
        }
        self.next_invocation += 1;
        let invocation = self.next_invocation;
        let timeout = uint(&msg.options, "timeout").filter(|t| *t > 0);
        let mut timer = None;
        if let Some(ms) = timeout {
            if callee.forward_timeout && features.callee_timeout {
                details.insert("timeout".into(), Value::from(ms));
            } else {
                let realm = realm.clone();
                timer = Some(
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        if let Some(realm) = realm.upgrade() {
                            realm.expire_call(invocation);
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
                payload: msg.payload,
            }),
        );
        self.calls.insert(
            invocation,
            PendingCall {
                caller: session,
                caller_request: msg.request,
                callee: callee.session,
                registration: reg_id,
                receive_progress,
                input_open: progress,
                killing: false,
                timer,
            },
        );
        self.by_caller.insert((session, msg.request), invocation);
        Ok(())
    }

    /// A further CALL chunk of a progressive call invocation.
    fn continue_call(
        &mut self,
        sessions: &mut Sessions,
        invocation: Id,
        progress: bool,
        msg: Call,
    ) -> Result<(), Violation> {
        let Some(call) = self.calls.get_mut(&invocation) else {
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
            details.insert("progress".into(), Value::Bool(true));
        }
        sessions.send(
            call.callee,
            Message::Invocation(Invocation {
                request: invocation,
                registration: call.registration,
                details,
                payload: msg.payload,
            }),
        );
        Ok(())
    }

    fn finish(&mut self, invocation: Id) -> Option<PendingCall> {
        let call = self.calls.remove(&invocation)?;
        self.by_caller.remove(&(call.caller, call.caller_request));
        if let Some(timer) = &call.timer {
            timer.abort();
        }
        Some(call)
    }

    pub(crate) fn yield_(&mut self, sessions: &mut Sessions, session: Id, msg: Yield) {
        let Some(call) = self.calls.get(&msg.request).filter(|c| c.callee == session) else {
            // A late answer to a canceled or timed-out call: the spec says to discard it.
            return;
        };
        let progress = flag(&msg.options, "progress").unwrap_or(false);
        if progress {
            if call.receive_progress {
                let (caller, request) = (call.caller, call.caller_request);
                sessions.send(
                    caller,
                    Message::Result(CallResult {
                        request,
                        details: dict([("progress", Value::Bool(true))]),
                        payload: msg.payload,
                    }),
                );
            }
            return;
        }
        if let Some(call) = self.finish(msg.request) {
            sessions.send(
                call.caller,
                Message::Result(CallResult {
                    request: call.caller_request,
                    details: Dict::new(),
                    payload: msg.payload,
                }),
            );
        }
    }

    /// An ERROR from a callee answering an INVOCATION.
    pub(crate) fn invocation_error(&mut self, sessions: &mut Sessions, session: Id, msg: Error) {
        if self
            .calls
            .get(&msg.request)
            .is_none_or(|c| c.callee != session)
        {
            return;
        }
        if let Some(call) = self.finish(msg.request) {
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
    }

    pub(crate) fn cancel(&mut self, sessions: &mut Sessions, session: Id, msg: Cancel) {
        let Some(&invocation) = self.by_caller.get(&(session, msg.request)) else {
            return;
        };
        let mode = match text(&msg.options, "mode") {
            None => "killnowait",
            Some(m @ ("skip" | "kill" | "killnowait")) => m,
            Some(_) => {
                return sessions.send(
                    session,
                    error(
                        code::CANCEL,
                        msg.request,
                        INVALID_ARGUMENT,
                        "unknown cancel mode",
                    ),
                )
            }
        };
        let Some(call) = self.calls.get_mut(&invocation) else {
            return;
        };
        if call.killing {
            return;
        }
        let interrupts = mode != "skip" && sessions.features(call.callee).callee_cancel;
        if interrupts {
            sessions.send(
                call.callee,
                Message::Interrupt(Interrupt {
                    request: invocation,
                    options: dict([("mode", text_value(mode))]),
                }),
            );
        }
        if interrupts && mode == "kill" {
            // The caller gets the callee's answer, whatever it is.
            call.killing = true;
            return;
        }
        if let Some(call) = self.finish(invocation) {
            sessions.send(
                call.caller,
                error(
                    code::CALL,
                    call.caller_request,
                    wamp_core::error::uris::CANCELED,
                    "the call was canceled",
                ),
            );
        }
    }

    /// The dealer-enforced timeout of a call fired.
    pub(crate) fn expire(&mut self, sessions: &mut Sessions, invocation: Id) {
        let Some(call) = self.finish(invocation) else {
            return;
        };
        if sessions.features(call.callee).callee_cancel {
            sessions.send(
                call.callee,
                Message::Interrupt(Interrupt {
                    request: invocation,
                    options: dict([
                        ("mode", text_value("killnowait")),
                        ("reason", text_value(wamp_core::error::uris::TIMEOUT)),
                    ]),
                }),
            );
        }
        sessions.send(
            call.caller,
            error(
                code::CALL,
                call.caller_request,
                wamp_core::error::uris::TIMEOUT,
                "the call timed out",
            ),
        );
    }

    /// A session left: its registrations go, its calls as callee fail with `canceled`, its calls
    /// as caller are interrupted (`killnowait`).
    pub(crate) fn remove_session(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
    ) {
        let mine: Vec<Id> = self
            .registrations
            .values()
            .filter(|r| r.callees.iter().any(|c| c.session == session))
            .map(|r| r.id)
            .collect();
        for reg in mine {
            self.detach(meta, session, reg);
        }
        let affected: Vec<Id> = self
            .calls
            .iter()
            .filter(|(_, c)| c.callee == session || c.caller == session)
            .map(|(inv, _)| *inv)
            .collect();
        for invocation in affected {
            let Some(call) = self.finish(invocation) else {
                continue;
            };
            if call.callee == session && call.caller != session {
                sessions.send(
                    call.caller,
                    error(
                        code::CALL,
                        call.caller_request,
                        wamp_core::error::uris::CANCELED,
                        "the callee left the realm",
                    ),
                );
            } else if call.callee != session && sessions.features(call.callee).callee_cancel {
                sessions.send(
                    call.callee,
                    Message::Interrupt(Interrupt {
                        request: invocation,
                        options: dict([
                            ("mode", text_value("killnowait")),
                            ("reason", text_value("wamp.error.canceled")),
                        ]),
                    }),
                );
            }
        }
    }
}

const INVALID_ARGUMENT: &str = wamp_core::error::uris::INVALID_ARGUMENT;
const ALREADY_EXISTS: &str = "wamp.error.procedure_already_exists";
const NO_AVAILABLE_CALLEE: &str = "wamp.error.no_available_callee";
const FEATURE_NOT_SUPPORTED: &str = "wamp.error.feature_not_supported";
