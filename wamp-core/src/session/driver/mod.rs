//! The task that owns a session's transport: sends what handles ask for, routes what the router
//! sends, and keeps every table of pending and live state. Nothing else touches the transport.
//!
//! This file holds the loop and the commands from handles; `incoming` handles what the router
//! sends; `reconnect` what happens between a lost connection and the next join.

mod commands;
mod incoming;
mod reconnect;
mod sealing;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt as _, SinkExt as _, StreamExt as _};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::Instant;

use super::connector::Connector;
use super::inputs::{Ended, Running};
use super::register::{LocalRegistration, RegistrationEnd};
use super::state::{SessionEvent, SessionState};
use super::subscribe::{LocalSubscriber, SubscriptionError};
use super::{CallReply, CallResult, Command, SessionConfig, SessionInfo};
use crate::error::{uris, CloseReason, Error};
use crate::message::{self, code, keys, Arguments, Id, Message, MAX_ID};
use crate::transport::{BoxTransport, TransportError};
use crate::value::{as_u64, Dict, Value};

/// How many further queued commands are handled before the transport is flushed.
const BATCH: usize = 64;

struct PendingCall {
    key: u64,
    /// Kept for the further CALLs of a progressive call invocation, which repeat it.
    procedure: String,
    reply: CallReply,
}

enum Pending {
    Subscribe {
        topic: String,
        options: Dict,
        locals: Vec<LocalSubscriber>,
        reply: Option<oneshot::Sender<Result<Id, Error>>>,
        /// Made again after a reconnect (counted in the restore report).
        restore: bool,
    },
    Unsubscribe {
        subscription: Id,
        reply: Option<oneshot::Sender<Result<(), Error>>>,
    },
    Register {
        local: LocalRegistration,
        /// `None` when made again after a reconnect.
        reply: Option<oneshot::Sender<Result<Id, Error>>>,
    },
    Unregister {
        registration: Id,
        reply: oneshot::Sender<Result<(), Error>>,
    },
    Publish {
        reply: oneshot::Sender<Result<Option<Id>, Error>>,
    },
}

impl Pending {
    fn request_type(&self) -> u64 {
        match self {
            Pending::Subscribe { .. } => code::SUBSCRIBE,
            Pending::Unsubscribe { .. } => code::UNSUBSCRIBE,
            Pending::Register { .. } => code::REGISTER,
            Pending::Unregister { .. } => code::UNREGISTER,
            Pending::Publish { .. } => code::PUBLISH,
        }
    }

    /// Whether this request restores a registration or subscription after a reconnect.
    fn is_restore(&self) -> bool {
        match self {
            Pending::Subscribe { restore, .. } => *restore,
            Pending::Register { reply, .. } => reply.is_none(),
            _ => false,
        }
    }

    /// The procedure or topic of a SUBSCRIBE or REGISTER.
    fn uri(&self) -> &str {
        match self {
            Pending::Subscribe { topic, .. } => topic,
            Pending::Register { local, .. } => &local.procedure,
            _ => "",
        }
    }

    fn fail(self, error: impl Fn() -> Error) {
        match self {
            Pending::Subscribe {
                locals,
                reply,
                restore,
                ..
            } => {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(error()));
                }
                for local in locals {
                    let reason = error().to_string();
                    local.state.finish(if restore {
                        SubscriptionError::NotRestored { reason }
                    } else {
                        SubscriptionError::Revoked { reason }
                    });
                }
            }
            Pending::Unsubscribe { reply, .. } => {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(error()));
                }
            }
            Pending::Register { local, reply } => match reply {
                Some(reply) => {
                    let _ = reply.send(Err(error()));
                }
                None => {
                    let reason = error().to_string();
                    let _ = local
                        .end
                        .send(Some(RegistrationEnd::NotRestored { reason }));
                }
            },
            Pending::Unregister { reply, .. } => {
                let _ = reply.send(Err(error()));
            }
            Pending::Publish { reply } => {
                let _ = reply.send(Err(error()));
            }
        }
    }
}

struct SubscriptionSlot {
    topic: String,
    options: Dict,
    subscribers: Vec<LocalSubscriber>,
}

/// Ends the loop with a reason.
type Flow = Result<(), CloseReason>;

/// What a new driver starts with.
pub(crate) struct Setup {
    pub(crate) transport: BoxTransport,
    pub(crate) commands: mpsc::Receiver<Command>,
    pub(crate) self_tx: mpsc::Sender<Command>,
    pub(crate) closed: watch::Sender<Option<CloseReason>>,
    pub(crate) info: watch::Sender<Arc<SessionInfo>>,
    pub(crate) state: watch::Sender<SessionState>,
    pub(crate) events: broadcast::Sender<SessionEvent>,
    pub(crate) config: SessionConfig,
    pub(crate) connector: Connector,
}

pub(crate) struct Driver {
    transport: BoxTransport,
    commands: mpsc::Receiver<Command>,
    self_tx: mpsc::Sender<Command>,
    closed: watch::Sender<Option<CloseReason>>,
    info: Arc<SessionInfo>,
    info_tx: watch::Sender<Arc<SessionInfo>>,
    state: watch::Sender<SessionState>,
    events: broadcast::Sender<SessionEvent>,
    config: SessionConfig,
    connector: Option<Connector>,
    /// Which connection this is: 1, then one more after each reconnect.
    connection: u64,
    next_request: Id,
    dirty: bool,
    leaving: Option<(Instant, String, Option<String>)>,
    calls: HashMap<Id, PendingCall>,
    call_keys: HashMap<u64, Id>,
    requests: HashMap<Id, Pending>,
    subscriptions: HashMap<Id, SubscriptionSlot>,
    local_subscriptions: HashMap<u64, Id>,
    unsubscribing: HashSet<Id>,
    registrations: HashMap<Id, LocalRegistration>,
    local_registrations: HashMap<u64, Id>,
    invocations: HashMap<Id, Running>,
    /// Progressive call invocations that ended before their caller's last chunk.
    ended_inputs: Ended,
    /// Requests made while reconnecting, with the instant they give up.
    parked: VecDeque<(Instant, Command)>,
    /// SUBSCRIBE and REGISTER requests the lost connection left unanswered, to send again.
    resend: Vec<Pending>,
    /// The restore under way after a reconnect.
    restoring: Option<reconnect::Restoring>,
}

impl Driver {
    pub(crate) fn new(setup: Setup) -> Self {
        let info = setup.info.borrow().clone();
        Self {
            transport: setup.transport,
            commands: setup.commands,
            self_tx: setup.self_tx,
            closed: setup.closed,
            info,
            info_tx: setup.info,
            state: setup.state,
            events: setup.events,
            config: setup.config,
            connector: Some(setup.connector),
            connection: 1,
            next_request: 1,
            dirty: false,
            leaving: None,
            calls: HashMap::new(),
            call_keys: HashMap::new(),
            requests: HashMap::new(),
            subscriptions: HashMap::new(),
            local_subscriptions: HashMap::new(),
            unsubscribing: HashSet::new(),
            registrations: HashMap::new(),
            local_registrations: HashMap::new(),
            invocations: HashMap::new(),
            ended_inputs: Ended::default(),
            parked: VecDeque::new(),
            resend: Vec::new(),
            restoring: None,
        }
    }

    /// Serves connection after connection until the session ends for good.
    pub(crate) async fn run(mut self) {
        loop {
            let reason = self.serve().await;
            // Boxed: reconnecting (connect, handshake, join, restore) is a large future that
            // would otherwise sit in every session's driver task, 26 KB instead of 5.5 KB.
            let reason = match Box::pin(self.reconnect(reason)).await {
                Ok(()) => continue,
                Err(reason) => reason,
            };
            self.finish(reason).await;
            return;
        }
    }

    /// Serves the current connection until it ends; answers why.
    async fn serve(&mut self) -> CloseReason {
        tracing::debug!(session = self.info.id, "session established");
        loop {
            let deadline = self.leaving.as_ref().map(|(deadline, _, _)| *deadline);
            let flow = tokio::select! {
                incoming = self.transport.next() => self.on_incoming(incoming).await,
                command = self.commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    // Unreachable while the driver holds a sender, but end cleanly regardless.
                    None => Err(CloseReason::Dropped),
                },
                () = sleep_until(deadline), if deadline.is_some() => Err(self.goodbye_timed_out()),
            };
            if let Err(reason) = flow {
                return reason;
            }
            if let Err(reason) = self.drain_and_flush().await {
                return reason;
            }
        }
    }

    /// Handles what the transport received, or its end.
    async fn on_incoming(&mut self, incoming: Option<Result<Message, TransportError>>) -> Flow {
        match incoming {
            Some(Ok(message)) => self.on_message(message).await,
            Some(Err(TransportError::Decode(e))) => self.violation(e.to_string()).await,
            Some(Err(e)) => Err(CloseReason::TransportError(e.to_string())),
            None => Err(self.connection_ended()),
        }
    }

    /// Handles the messages already received and the commands already queued (up to
    /// [`BATCH`] of each), then flushes what was written: the answers to a burst of messages
    /// leave in one write, not one each.
    async fn drain_and_flush(&mut self) -> Flow {
        for _ in 0..BATCH {
            // Polled without waiting: a transport with nothing more to read registers this
            // no-op waker, and the next `select!` polls it again with the driver's own.
            match self.transport.next().now_or_never() {
                Some(incoming) => self.on_incoming(incoming).await?,
                None => break,
            }
        }
        for _ in 0..BATCH {
            match self.commands.try_recv() {
                Ok(command) => self.on_command(command).await?,
                Err(_) => break,
            }
        }
        self.flush().await
    }

    /// Flushes what was written since the last flush.
    async fn flush(&mut self) -> Flow {
        if self.dirty {
            self.dirty = false;
            self.transport
                .flush()
                .await
                .map_err(|e| CloseReason::TransportError(e.to_string()))?;
        }
        Ok(())
    }

    /// Removes a registration from the tables and tells its handle why it ended.
    fn end_registration(&mut self, registration: Id, end: RegistrationEnd) {
        if let Some(slot) = self.registrations.remove(&registration) {
            self.local_registrations.remove(&slot.local);
            let _ = slot.end.send(Some(end));
        }
    }

    fn connection_ended(&self) -> CloseReason {
        match &self.leaving {
            Some((_, reason, message)) => CloseReason::Goodbye {
                reason: reason.clone(),
                message: message.clone(),
                by_router: false,
            },
            None => CloseReason::ConnectionLost,
        }
    }

    fn goodbye_timed_out(&self) -> CloseReason {
        tracing::warn!("the router did not answer GOODBYE in time");
        self.connection_ended()
    }

    /// Sets the state and tells every listener.
    fn set_state(&self, state: SessionState) {
        let _ = self.events.send(SessionEvent::State(state.clone()));
        self.state.send_replace(state);
    }

    fn next_id(&mut self) -> Id {
        let id = self.next_request;
        self.next_request = following(id);
        id
    }

    /// Queues a message. A message that cannot be encoded or is too large fails alone
    /// (`Ok(Err)`); a broken transport ends the session (`Err`).
    /// Sends a message that starts the request `request` (just taken from [`Self::next_id`]).
    /// One that cannot be sent gives its ID back, so that the IDs the router sees stay one
    /// sequence with no gap, as the spec requires.
    async fn send_new(
        &mut self,
        request: Id,
        message: Message,
    ) -> Result<Result<(), Error>, CloseReason> {
        let sent = self.send(message).await?;
        if sent.is_err() && self.next_request == following(request) {
            self.next_request = request;
        }
        Ok(sent)
    }

    async fn send(&mut self, message: Message) -> Result<Result<(), Error>, CloseReason> {
        match self.transport.feed(message).await {
            Ok(()) => {
                self.dirty = true;
                Ok(Ok(()))
            }
            Err(e) if !e.is_fatal() => Ok(Err(Error::NotSent(e.to_string()))),
            Err(e) => Err(CloseReason::TransportError(e.to_string())),
        }
    }

    /// Aborts the session because the router broke the protocol.
    async fn violation(&mut self, reason: String) -> Flow {
        tracing::warn!(%reason, "protocol violation by the router; aborting");
        let mut details = Dict::new();
        details.insert(keys::MESSAGE.into(), Value::Text(reason.clone()));
        let abort = message::Abort {
            details,
            reason: uris::PROTOCOL_VIOLATION.into(),
            arguments: Arguments::default(),
        };
        let _ = self.transport.send(Message::Abort(abort)).await;
        Err(CloseReason::ProtocolViolation(reason))
    }

    /// Ends the session: tells every waiter why, closes the transport.
    async fn finish(mut self, reason: CloseReason) {
        tracing::debug!(%reason, "session closed");
        let closed = || Error::SessionClosed(reason.clone());
        for (_, call) in self.calls.drain() {
            reply_call(call.reply, Err(closed()));
        }
        for (_, command) in std::mem::take(&mut self.parked) {
            reconnect::fail_command(command, closed());
        }
        for (_, pending) in self.requests.drain() {
            pending.fail(closed);
        }
        for (_, slot) in self.subscriptions.drain() {
            for local in slot.subscribers {
                local
                    .state
                    .finish(SubscriptionError::SessionClosed(reason.clone()));
            }
        }
        for (_, slot) in self.registrations.drain() {
            let _ = slot
                .end
                .send(Some(RegistrationEnd::SessionClosed(reason.clone())));
        }
        for (_, running) in self.invocations.drain() {
            running.task.abort();
        }
        self.set_state(SessionState::Closed(reason.clone()));
        let _ = self.closed.send(Some(reason));
        let _ = tokio::time::timeout(Duration::from_secs(1), self.transport.close()).await;
        // Later commands find the channel closed and report the session closed.
        self.commands.close();
    }
}

/// The revoked ID and the router's reason, from the details of `UNSUBSCRIBED(0, ...)` or
/// `UNREGISTERED(0, ...)`.
/// The request ID after `id` in the session scope (wrapping to 1 after 2^53).
fn following(id: Id) -> Id {
    if id >= MAX_ID {
        1
    } else {
        id + 1
    }
}

fn revocation(details: Option<Dict>, key: &str) -> Option<(Id, String)> {
    let details = details?;
    let id = details.get(key).and_then(as_u64)?;
    let reason = details
        .get(keys::REASON)
        .and_then(Value::as_text)
        .unwrap_or("revoked");
    Some((id, reason.to_owned()))
}

fn reply_call(reply: CallReply, result: Result<CallResult, Error>) {
    match reply {
        CallReply::Once(tx) => {
            let _ = tx.send(result);
        }
        CallReply::Stream { last, .. } => {
            let _ = last.send(result);
        }
    }
}

/// Hands a progressive result to a call stream without waiting; a full buffer drops it and
/// counts it, for the stream to report.
fn deliver_progress(reply: &CallReply, result: CallResult) {
    if let CallReply::Stream {
        progress, lagged, ..
    } = reply
    {
        if let Err(mpsc::error::TrySendError::Full(_)) = progress.try_send(result) {
            lagged.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
