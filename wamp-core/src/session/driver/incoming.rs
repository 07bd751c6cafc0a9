//! What the router sends to an established session: answers to requests, events, invocations,
//! interrupts, revocations, GOODBYE and ABORT. Anything else is a protocol violation.

use std::sync::atomic::Ordering;

use futures::{FutureExt as _, SinkExt as _};

use tokio::sync::mpsc;

use super::super::inputs::{Inputs, InvocationInput, Running};
use super::super::register::{Invocation, RegistrationEnd};
use super::super::subscribe::{Event, SubscriptionError};
use super::super::{CallReply, CallResult, Command};
use super::{deliver_progress, reply_call, revocation, Driver, Flow, Pending, SubscriptionSlot};
use crate::cryptobox::Side;
use crate::error::{uris, CloseReason, Error, WampError};
use crate::message::{self, code, keys, Id, Message};
use crate::value::{Dict, Value};

impl Driver {
    pub(super) async fn on_message(&mut self, message: Message) -> Flow {
        match message {
            Message::Result(m) => {
                let Some(call) = self.calls.get(&m.request) else {
                    tracing::debug!(request = m.request, "RESULT for a call no longer pending");
                    return Ok(());
                };
                let mut result = CallResult::new(m.details, m.payload);
                let procedure = call.procedure.as_str();
                match self.open(
                    Side::Originator,
                    procedure,
                    &mut result.arguments,
                    &mut result.passthru,
                ) {
                    Ok(sealed) => result.encrypted = sealed,
                    Err(e) => {
                        // The call ends with the error; a later RESULT finds no call.
                        if let Some(call) = self.calls.remove(&m.request) {
                            self.call_keys.remove(&call.key);
                            reply_call(call.reply, Err(Error::Wamp(e)));
                        }
                        return Ok(());
                    }
                }
                if result.progress {
                    match &call.reply {
                        CallReply::Stream { .. } => deliver_progress(&call.reply, result),
                        CallReply::Once(_) => {
                            tracing::debug!("progressive RESULT for a call that did not ask for it")
                        }
                    }
                } else if let Some(call) = self.calls.remove(&m.request) {
                    self.call_keys.remove(&call.key);
                    reply_call(call.reply, Ok(result));
                }
            }
            Message::Error(m) => return self.on_error(m).await,
            Message::Published(m) => match self.requests.remove(&m.request) {
                Some(Pending::Publish { reply }) => {
                    let _ = reply.send(Ok(Some(m.publication)));
                }
                other => return self.unexpected_reply("PUBLISHED", m.request, other).await,
            },
            Message::Subscribed(m) => match self.answered(m.request) {
                Some(Pending::Subscribe {
                    topic,
                    options,
                    locals,
                    reply,
                    ..
                }) => {
                    // Subscribers dropped while the SUBSCRIBE was on its way are not added.
                    let locals: Vec<_> = locals.into_iter().filter(|l| !l.tx.is_closed()).collect();
                    if locals.is_empty() && !self.subscriptions.contains_key(&m.subscription) {
                        return self.unsubscribe(m.subscription, None).await;
                    }
                    let slot = self.subscriptions.entry(m.subscription).or_insert_with(|| {
                        SubscriptionSlot {
                            topic,
                            options,
                            subscribers: Vec::new(),
                        }
                    });
                    for local in locals {
                        local.state.id.store(m.subscription, Ordering::Relaxed);
                        self.local_subscriptions.insert(local.local, m.subscription);
                        slot.subscribers.push(local);
                    }
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(m.subscription));
                    }
                }
                other => return self.unexpected_reply("SUBSCRIBED", m.request, other).await,
            },
            Message::Unsubscribed(m) if m.request == 0 => {
                if let Some((id, reason)) = revocation(m.details, keys::SUBSCRIPTION) {
                    if let Some(slot) = self.subscriptions.remove(&id) {
                        for local in slot.subscribers {
                            self.local_subscriptions.remove(&local.local);
                            local.state.finish(SubscriptionError::Revoked {
                                reason: reason.clone(),
                            });
                        }
                    }
                }
            }
            Message::Unsubscribed(m) => match self.requests.remove(&m.request) {
                Some(Pending::Unsubscribe {
                    subscription,
                    reply,
                }) => {
                    self.unsubscribing.remove(&subscription);
                    // A SUBSCRIBE that raced this UNSUBSCRIBE got the same subscription, which the
                    // router has now removed: subscribe again for those subscribers.
                    if let Some(slot) = self.subscriptions.remove(&subscription) {
                        for local in &slot.subscribers {
                            self.local_subscriptions.remove(&local.local);
                        }
                        self.subscribe(slot.topic, slot.options, slot.subscribers, None, false)
                            .await?;
                    }
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(()));
                    }
                }
                other => {
                    return self
                        .unexpected_reply("UNSUBSCRIBED", m.request, other)
                        .await
                }
            },
            Message::Registered(m) => match self.answered(m.request) {
                Some(Pending::Register { local, reply }) => {
                    local.id.store(m.registration, Ordering::Relaxed);
                    self.local_registrations.insert(local.local, m.registration);
                    self.registrations.insert(m.registration, local);
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(m.registration));
                    }
                }
                other => return self.unexpected_reply("REGISTERED", m.request, other).await,
            },
            Message::Unregistered(m) if m.request == 0 => {
                if let Some((id, reason)) = revocation(m.details, keys::REGISTRATION) {
                    self.end_registration(id, RegistrationEnd::Revoked { reason });
                }
            }
            Message::Unregistered(m) => match self.requests.remove(&m.request) {
                Some(Pending::Unregister {
                    registration,
                    reply,
                }) => {
                    self.end_registration(registration, RegistrationEnd::Unregistered);
                    let _ = reply.send(Ok(()));
                }
                other => {
                    return self
                        .unexpected_reply("UNREGISTERED", m.request, other)
                        .await
                }
            },
            Message::Event(m) => match self.subscriptions.get(&m.subscription) {
                Some(slot) => {
                    let mut event = Event::new(m, &slot.topic);
                    match self.open(
                        Side::Responder,
                        &event.topic,
                        &mut event.arguments,
                        &mut event.passthru,
                    ) {
                        Ok(sealed) => {
                            event.encrypted = sealed;
                            crate::trace::take_from_kwargs(
                                &mut event.arguments.kwargs,
                                &mut event.details,
                            );
                        }
                        Err(e) => {
                            tracing::warn!(
                                publication = event.publication,
                                topic = %event.topic,
                                error = %e,
                                "a sealed event did not open; it is reported to each subscriber"
                            );
                            for local in &slot.subscribers {
                                local.report(SubscriptionError::Undecryptable {
                                    publication: event.publication,
                                    error: Box::new(e.clone()),
                                });
                            }
                            return Ok(());
                        }
                    }
                    tracing::trace!(
                        subscription = event.subscription,
                        publication = event.publication,
                        "event"
                    );
                    if let Some((last, rest)) = slot.subscribers.split_last() {
                        for local in rest {
                            local.deliver(event.clone());
                        }
                        last.deliver(event);
                    }
                }
                None => tracing::debug!(
                    subscription = m.subscription,
                    "EVENT for a subscription no longer held"
                ),
            },
            Message::Invocation(m) => self.on_invocation(m).await?,
            Message::Interrupt(m) => {
                if let Some(running) = self.invocations.remove(&m.request) {
                    running.task.abort();
                    if running.input.is_some() {
                        self.ended_inputs.insert(m.request);
                    }
                    let reason = m
                        .options
                        .get(keys::REASON)
                        .and_then(Value::as_text)
                        .map(str::to_owned);
                    let mut error = WampError::new(uris::CANCELED);
                    if let Some(reason) = reason {
                        error.args.push(Value::Text(reason));
                    }
                    self.answer_invocation(m.request, Err(error)).await?;
                }
            }
            Message::Goodbye(m) => {
                if let Some((_, reason, message)) = self.leaving.take() {
                    return Err(CloseReason::Goodbye {
                        reason,
                        message,
                        by_router: false,
                    });
                }
                let answer = message::Goodbye {
                    details: Dict::new(),
                    reason: uris::GOODBYE_AND_OUT.into(),
                };
                let _ = self.transport.send(Message::Goodbye(answer)).await;
                let message = m
                    .details
                    .get(keys::MESSAGE)
                    .and_then(Value::as_text)
                    .map(str::to_owned);
                return Err(CloseReason::Goodbye {
                    reason: m.reason,
                    message,
                    by_router: true,
                });
            }
            Message::Abort(m) => {
                let message = m
                    .details
                    .get(keys::MESSAGE)
                    .and_then(Value::as_text)
                    .map(str::to_owned);
                return Err(CloseReason::Aborted {
                    reason: m.reason,
                    message,
                });
            }
            other => {
                let name = other.name();
                return self.violation(format!("received {name}, which a router does not send to an established client session")).await;
            }
        }
        Ok(())
    }

    async fn unexpected_reply(
        &mut self,
        name: &str,
        request: Id,
        pending: Option<Pending>,
    ) -> Flow {
        let what = match &pending {
            Some(p) => format!("a request of type {}", message::type_name(p.request_type())),
            None => "no pending request".to_owned(),
        };
        if let Some(p) = pending {
            p.fail(|| {
                Error::ProtocolViolation(message::ProtocolViolation(format!(
                    "{name} answered the wrong request"
                )))
            });
        }
        self.violation(format!("{name} for request {request}, which is {what}"))
            .await
    }

    async fn on_error(&mut self, m: message::Error) -> Flow {
        if m.request_type == code::CALL {
            let Some(call) = self.calls.remove(&m.request) else {
                return Ok(());
            };
            self.call_keys.remove(&call.key);
            let (mut arguments, mut passthru) = message::Passthru::split(&m.details, m.payload);
            let error = match self.open(Side::Originator, &m.error, &mut arguments, &mut passthru) {
                Ok(_) => WampError {
                    uri: m.error,
                    args: arguments.args,
                    kwargs: arguments.kwargs,
                    details: m.details,
                    passthru: passthru.map(Box::new),
                },
                Err(e) => e,
            };
            reply_call(call.reply, Err(Error::Wamp(error)));
            return Ok(());
        }
        let error = || {
            let (arguments, passthru) = message::Passthru::split(&m.details, m.payload.clone());
            WampError {
                uri: m.error.clone(),
                args: arguments.args,
                kwargs: arguments.kwargs,
                details: m.details.clone(),
                passthru: passthru.map(Box::new),
            }
        };
        if m.request_type == code::INVOCATION {
            return self
                .violation("received ERROR for an INVOCATION; only callees send those".into())
                .await;
        }
        match self.requests.remove(&m.request) {
            Some(pending) if pending.request_type() == m.request_type => {
                if let Pending::Unsubscribe { subscription, .. } = &pending {
                    self.unsubscribing.remove(subscription);
                }
                self.restore_answered(&pending, Some(&error().to_string()));
                pending.fail(|| Error::Wamp(error()));
                Ok(())
            }
            other => self.unexpected_reply("ERROR", m.request, other).await,
        }
    }

    /// Takes the request an answer is for, counting it if it restores something.
    fn answered(&mut self, request: Id) -> Option<Pending> {
        let pending = self.requests.remove(&request)?;
        self.restore_answered(&pending, None);
        Some(pending)
    }

    async fn on_invocation(&mut self, m: message::Invocation) -> Flow {
        let progress = m.details.get(keys::PROGRESS) == Some(&Value::Bool(true));
        if self.invocations.contains_key(&m.request) {
            return self.on_input(m, progress).await;
        }
        if self.ended_inputs.is_late(m.request, !progress) {
            tracing::debug!(
                request = m.request,
                "a chunk of a call that has ended, discarded"
            );
            return Ok(());
        }
        let Some(slot) = self.registrations.get(&m.registration) else {
            if progress {
                // The rest of this call's chunks are discarded, not taken for new calls.
                self.ended_inputs.insert(m.request);
            }
            let error = WampError::new(uris::NO_SUCH_REGISTRATION);
            return self.answer_invocation(m.request, Err(error)).await;
        };
        if self.invocations.len() >= self.config.max_concurrent_invocations {
            // Call Reroute: a callee that cannot take the invocation now answers `unavailable`,
            // and the dealer may try another callee.
            let error = WampError::with_message(
                uris::UNAVAILABLE,
                format!(
                    "the callee is running its maximum of {} invocations",
                    self.config.max_concurrent_invocations
                ),
            );
            return self.answer_invocation(m.request, Err(error)).await;
        }
        let procedure = m
            .details
            .get(keys::PROCEDURE)
            .and_then(Value::as_text)
            .unwrap_or(&slot.procedure)
            .to_owned();
        let (mut arguments, mut passthru) = message::Passthru::split(&m.details, m.payload);
        let encrypted = match self.open(Side::Responder, &procedure, &mut arguments, &mut passthru)
        {
            Ok(sealed) => sealed,
            Err(e) => {
                if progress {
                    self.ended_inputs.insert(m.request);
                }
                return self.answer_invocation(m.request, Err(e)).await;
            }
        };
        let (input, inputs) = if progress {
            let (tx, rx) = mpsc::channel(self.config.event_buffer.max(1));
            (Some(tx), Some(Inputs { rx }))
        } else {
            (None, None)
        };
        let sealed_for = encrypted.then(|| procedure.clone());
        let mut details = m.details;
        crate::trace::take_from_kwargs(&mut arguments.kwargs, &mut details);
        let invocation = Invocation {
            inputs,
            arguments,
            passthru,
            encrypted,
            details,
            registration: m.registration,
            procedure,
            extensions: http::Extensions::new(),
            request: m.request,
            connection: self.connection,
            commands: self.self_tx.clone(),
        };
        let request = m.request;
        let connection = self.connection;
        let timeout = invocation.timeout();
        // Only an invocation that can send nothing but its answer may finish here: progressive
        // results and further inputs go through the driver, after the answer would.
        let at_once = input.is_none() && !invocation.receive_progress();
        // The handler's span continues the caller's trace (`crate::trace`).
        let span = crate::trace::invocation_span(&invocation);
        let work = span.in_scope(|| slot.handler.handle(invocation));
        let mut work = std::panic::AssertUnwindSafe(work).catch_unwind();
        if at_once {
            // A handler that completes at once is answered now, without a task of its own
            // (and the wake-ups of spawning it and of its answer coming back). One that does
            // not goes on in its task, which polls it again with its own waker.
            let polled = span.in_scope(|| {
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                work.poll_unpin(&mut cx)
            });
            if let std::task::Poll::Ready(outcome) = polled {
                let outcome = outcome.unwrap_or_else(|_| panicked());
                let outcome = match &sealed_for {
                    Some(procedure) => self.seal_answer(procedure, outcome),
                    None => outcome,
                };
                return self.answer_invocation(request, outcome).await;
            }
        }
        let tx = self.self_tx.clone();
        let task = tokio::spawn(tracing::Instrument::instrument(
            async move {
                let outcome = match timeout {
                    Some(t) => tokio::time::timeout(t, work).await.unwrap_or_else(|_| {
                        Ok(Err(WampError::with_message(
                            uris::TIMEOUT,
                            format!("the invocation exceeded its timeout of {t:?}"),
                        )))
                    }),
                    None => work.await,
                };
                let outcome = outcome.unwrap_or_else(|_| panicked());
                let _ = tx
                    .send(Command::InvocationDone {
                        connection,
                        request,
                        outcome,
                    })
                    .await;
            },
            span,
        ));
        let running = Running {
            task: task.abort_handle(),
            input,
            sealed_for,
        };
        self.invocations.insert(request, running);
        Ok(())
    }

    /// A further INVOCATION of a running progressive call invocation: its arguments go to the
    /// handler's [`Inputs`].
    async fn on_input(&mut self, m: message::Invocation, progress: bool) -> Flow {
        let request = m.request;
        let Some(input) = self
            .invocations
            .get_mut(&request)
            .and_then(|r| r.input.take())
        else {
            return self
                .violation(format!(
                    "INVOCATION {request} reuses the request ID of a running invocation whose \
                     arguments are complete"
                ))
                .await;
        };
        let (mut arguments, mut passthru) = message::Passthru::split(&m.details, m.payload);
        let procedure = self
            .invocations
            .get(&request)
            .and_then(|r| r.sealed_for.clone());
        if let Some(procedure) = procedure {
            // A call that began sealed goes on sealed: a chunk in the clear could come from
            // anyone on the route.
            let opened = match self.open(Side::Responder, &procedure, &mut arguments, &mut passthru)
            {
                Ok(true) => Ok(()),
                Ok(false) => Err(WampError::with_message(
                    uris::ENCRYPTION_REQUIRED,
                    format!("a chunk of a sealed call to {procedure} arrived in the clear"),
                )),
                Err(e) => Err(e),
            };
            if let Err(e) = opened {
                if let Some(running) = self.invocations.remove(&request) {
                    running.task.abort();
                }
                if progress {
                    self.ended_inputs.insert(request);
                }
                return self.answer_invocation(request, Err(e)).await;
            }
        }
        let chunk = InvocationInput {
            arguments,
            passthru,
        };
        // A handler that dropped its inputs ignores them: the chunk is discarded.
        if let Err(mpsc::error::TrySendError::Full(_)) = input.try_send(chunk) {
            if let Some(running) = self.invocations.remove(&request) {
                running.task.abort();
            }
            if progress {
                self.ended_inputs.insert(request);
            }
            let error = WampError::with_message(
                uris::SLOW_CONSUMER,
                format!(
                    "the handler fell {} chunks behind the call's progressive inputs",
                    self.config.event_buffer.max(1)
                ),
            );
            return self.answer_invocation(request, Err(error)).await;
        }
        if progress {
            if let Some(running) = self.invocations.get_mut(&request) {
                running.input = Some(input);
            }
        }
        Ok(())
    }
}

/// The answer of a handler that panicked.
fn panicked() -> Result<super::super::register::Reply, WampError> {
    tracing::error!("the procedure handler panicked");
    Err(WampError::with_message(
        uris::RUNTIME_ERROR,
        "the procedure handler panicked",
    ))
}
