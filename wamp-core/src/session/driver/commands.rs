//! The driver's answers to commands from the session's handles: calls, cancels, publications,
//! (un)subscriptions and (un)registrations, and answers to invocations.

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{reply_call, Driver, Flow, Pending, PendingCall};
use crate::error::{uris, CloseReason, Error, WampError};
use crate::message::{self, code, keys, Arguments, Feature, Id, Message, Payload, Role};
use crate::session::register::LocalRegistration;
use crate::session::subscribe::LocalSubscriber;
use crate::session::{Command, Reply};
use crate::value::{Dict, Value};

impl Driver {
    pub(super) async fn on_command(&mut self, command: Command) -> Flow {
        match command {
            Command::Call {
                key,
                procedure,
                options,
                payload,
                reply,
                sent,
            } => {
                if reply.is_closed() {
                    // The caller gave up while the call waited (for a reconnect).
                    return Ok(());
                }
                if self.calls.len() >= self.config.max_pending_calls {
                    let limit = self.config.max_pending_calls;
                    let _ = sent.send(Err(Error::TooManyPendingCalls { limit }));
                    return Ok(());
                }
                let request = self.next_id();
                let call = message::Call {
                    request,
                    options,
                    procedure: procedure.clone(),
                    payload,
                };
                let outcome = self.send_new(request, Message::Call(call)).await?;
                if outcome.is_ok() {
                    self.calls.insert(
                        request,
                        PendingCall {
                            key,
                            procedure,
                            reply,
                        },
                    );
                    self.call_keys.insert(key, request);
                }
                let _ = sent.send(outcome);
            }
            Command::CallChunk {
                key,
                options,
                payload,
                sent,
            } => {
                let pending = self
                    .call_keys
                    .get(&key)
                    .and_then(|r| Some((*r, self.calls.get(r)?.procedure.clone())));
                if let Some((request, procedure)) = pending {
                    let call = message::Call {
                        request,
                        options,
                        procedure,
                        payload,
                    };
                    let outcome = self.send(Message::Call(call)).await?;
                    let _ = sent.send(outcome);
                } else {
                    let _ = sent.send(Err(Error::NotSent("the call has already finished".into())));
                }
            }
            Command::Cancel { key, mode } => {
                if let Some(request) = self.call_keys.get(&key).copied() {
                    let canceling = self.info.router_has(Role::Dealer, Feature::CallCanceling);
                    if canceling {
                        let mut options = Dict::new();
                        options.insert(keys::MODE.into(), Value::Text(mode.name().into()));
                        let _ = self
                            .send(Message::Cancel(message::Cancel { request, options }))
                            .await?;
                    }
                    // Without call canceling, the call is forgotten here. With it, the spec has
                    // the dealer answer a skip at once with ERROR, but Crossbar.io 26.x sends
                    // nothing at all (see tests/tests/crossbar_rpc.rs): answering here gives the
                    // caller the spec's outcome either way. A late ERROR or RESULT is ignored.
                    if !canceling || mode == crate::message::CancelMode::Skip {
                        self.call_keys.remove(&key);
                        if let Some(call) = self.calls.remove(&request) {
                            reply_call(
                                call.reply,
                                Err(Error::Wamp(WampError::new(uris::CANCELED))),
                            );
                        }
                    }
                }
            }
            Command::Publish {
                topic,
                options,
                payload,
                reply,
            } => {
                let acknowledge = options.get(keys::ACKNOWLEDGE) == Some(&Value::Bool(true));
                let request = self.next_id();
                let publish = message::Publish {
                    request,
                    options,
                    topic,
                    payload,
                };
                match self.send_new(request, Message::Publish(publish)).await? {
                    Ok(()) if acknowledge => {
                        self.requests.insert(request, Pending::Publish { reply });
                    }
                    outcome => {
                        let _ = reply.send(outcome.map(|()| None));
                    }
                }
            }
            Command::Subscribe {
                topic,
                options,
                local,
                reply,
            } => {
                self.subscribe(topic, options, vec![local], Some(reply), false)
                    .await?;
            }
            Command::Unsubscribe { local, reply } => match self.forget_subscriber(local) {
                Some(subscription) => self.unsubscribe(subscription, reply).await?,
                None => {
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(()));
                    }
                }
            },
            Command::Register { local, reply } => {
                self.register(local, Some(reply)).await?;
            }
            Command::Unregister { local, reply } => {
                let Some(registration) = self.local_registrations.get(&local).copied() else {
                    let _ = reply.send(Ok(()));
                    return Ok(());
                };
                let request = self.next_id();
                let message = Message::Unregister(message::Unregister {
                    request,
                    registration,
                });
                self.request(
                    request,
                    message,
                    Pending::Unregister {
                        registration,
                        reply,
                    },
                )
                .await?;
            }
            Command::InvocationProgress {
                connection,
                request,
                arguments,
            } => {
                let running = self.invocations.get(&request);
                if let (true, Some(running)) = (connection == self.connection, running) {
                    let mut options = Dict::new();
                    options.insert(keys::PROGRESS.into(), Value::Bool(true));
                    let payload = match running.sealed_for.clone() {
                        Some(procedure) => {
                            match self.seal_progress(&procedure, arguments, &mut options) {
                                Ok(payload) => payload,
                                Err(e) => {
                                    // Not sent in the clear, and not dropped quietly: the
                                    // invocation ends with the error.
                                    tracing::warn!(request, error = %e, "a progressive result could not be sealed");
                                    if let Some(running) = self.invocations.remove(&request) {
                                        running.task.abort();
                                        if running.input.is_some() {
                                            self.ended_inputs.insert(request);
                                        }
                                    }
                                    return self.answer_invocation(request, Err(e)).await;
                                }
                            }
                        }
                        None => Payload::Arguments(arguments),
                    };
                    let y = message::Yield {
                        request,
                        options,
                        payload,
                    };
                    if let Err(e) = self.send(Message::Yield(y)).await? {
                        tracing::warn!(request, error = %e, "progressive result not sent");
                    }
                }
            }
            Command::InvocationDone {
                connection,
                request,
                outcome,
            } => {
                // An invocation of an earlier connection answers nobody: its request ID may
                // already name an invocation of this one.
                if connection != self.connection {
                    return Ok(());
                }
                if let Some(running) = self.invocations.remove(&request) {
                    if running.input.is_some() {
                        // The caller may still send chunks: discard them when they come.
                        self.ended_inputs.insert(request);
                    }
                    let outcome = match &running.sealed_for {
                        Some(procedure) => self.seal_answer(procedure, outcome),
                        None => outcome,
                    };
                    self.answer_invocation(request, outcome).await?;
                }
            }
            Command::Leave { reason, message } => {
                if self.leaving.is_none() {
                    let mut details = Dict::new();
                    if let Some(m) = &message {
                        details.insert(keys::MESSAGE.into(), Value::Text(m.clone()));
                    }
                    let goodbye = message::Goodbye {
                        details,
                        reason: reason.clone(),
                    };
                    let _ = self.send(Message::Goodbye(goodbye)).await?;
                    self.leaving = Some((
                        Instant::now() + self.config.goodbye_timeout,
                        reason,
                        message,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Removes a local subscriber; answers the subscription when it has no subscriber left (it
    /// is then removed too, for the caller to unsubscribe at the router).
    pub(super) fn forget_subscriber(&mut self, local: u64) -> Option<Id> {
        let subscription = self.local_subscriptions.remove(&local)?;
        let slot = self.subscriptions.get_mut(&subscription)?;
        slot.subscribers.retain(|s| s.local != local);
        if !slot.subscribers.is_empty() {
            return None;
        }
        self.subscriptions.remove(&subscription);
        Some(subscription)
    }

    /// Sends UNSUBSCRIBE for a subscription already removed from the table.
    pub(super) async fn unsubscribe(
        &mut self,
        subscription: Id,
        reply: Option<oneshot::Sender<Result<(), Error>>>,
    ) -> Flow {
        let request = self.next_id();
        let message = Message::Unsubscribe(message::Unsubscribe {
            request,
            subscription,
        });
        let pending = Pending::Unsubscribe {
            subscription,
            reply,
        };
        if self.request(request, message, pending).await? {
            self.unsubscribing.insert(subscription);
        }
        Ok(())
    }

    pub(super) async fn register(
        &mut self,
        local: LocalRegistration,
        reply: Option<oneshot::Sender<Result<Id, Error>>>,
    ) -> Flow {
        let request = self.next_id();
        let message = Message::Register(message::Register {
            request,
            options: local.options.clone(),
            procedure: local.procedure.clone(),
        });
        self.request(request, message, Pending::Register { local, reply })
            .await?;
        Ok(())
    }

    pub(super) async fn subscribe(
        &mut self,
        topic: String,
        options: Dict,
        locals: Vec<LocalSubscriber>,
        reply: Option<oneshot::Sender<Result<Id, Error>>>,
        restore: bool,
    ) -> Flow {
        let request = self.next_id();
        let message = Message::Subscribe(message::Subscribe {
            request,
            options: options.clone(),
            topic: topic.clone(),
        });
        self.request(
            request,
            message,
            Pending::Subscribe {
                topic,
                options,
                locals,
                reply,
                restore,
            },
        )
        .await?;
        Ok(())
    }

    /// Sends a request and keeps what its answer is for. A request that cannot be sent (too
    /// large, not encodable) fails alone; answers whether it was sent.
    pub(super) async fn request(
        &mut self,
        request: Id,
        message: Message,
        pending: Pending,
    ) -> Result<bool, CloseReason> {
        match self.send_new(request, message).await? {
            Ok(()) => {
                self.requests.insert(request, pending);
                Ok(true)
            }
            Err(e) => {
                let reason = e.to_string();
                self.restore_answered(&pending, Some(&reason));
                pending.fail(|| Error::NotSent(reason.clone()));
                Ok(false)
            }
        }
    }

    pub(super) async fn answer_invocation(
        &mut self,
        request: Id,
        outcome: Result<Reply, WampError>,
    ) -> Flow {
        let message = match outcome {
            Ok(Reply::Arguments(arguments)) => Message::Yield(message::Yield {
                request,
                options: Dict::new(),
                payload: Payload::Arguments(arguments),
            }),
            Ok(Reply::Passthru(p)) => {
                let mut options = Dict::new();
                p.write_attributes(&mut options);
                Message::Yield(message::Yield {
                    request,
                    options,
                    payload: Payload::Passthru(p.payload),
                })
            }
            Err(e) => {
                let mut details = e.details;
                let payload = match e.passthru {
                    Some(p) => {
                        p.write_attributes(&mut details);
                        Payload::Passthru(p.payload)
                    }
                    None => Payload::Arguments(Arguments::new(e.args, e.kwargs)),
                };
                Message::Error(message::Error {
                    request_type: code::INVOCATION,
                    request,
                    details,
                    error: e.uri,
                    payload,
                })
            }
        };
        if let Err(e) = self.send(message).await? {
            // The result could not be sent (too large, not encodable): tell the caller so.
            let error = Message::Error(message::Error {
                request_type: code::INVOCATION,
                request,
                details: Dict::new(),
                error: uris::RUNTIME_ERROR.into(),
                payload: Payload::Arguments(Arguments::new(
                    vec![Value::Text(e.to_string())],
                    Dict::new(),
                )),
            });
            let _ = self.send(error).await?;
        }
        Ok(())
    }
}
