//! The sessions joined to a realm and the one way to send to them: an outbound queue per
//! session, bounded in messages and in bytes. A session whose queue is full is a slow consumer and is disconnected (see
//! [`crate::RouterBuilder::outbound_queue`]); nothing waits and nothing grows without bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use wamp_core::message::{announces, keys, Dialect, Feature, Role, MAX_ID};
use wamp_core::value::dict_to_value;
use wamp_core::{Dict, Id, Message, Value};

use super::options::{dict, flag, id, text_value};
use super::testament::Testaments;
use super::Violation;
use crate::auth::Identity;

/// How the router ends a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Close {
    /// ABORT with this reason and message, then close the transport.
    Abort { reason: String, message: String },
    /// GOODBYE with this reason and optional message; wait briefly for the client's GOODBYE.
    Goodbye {
        reason: String,
        message: Option<String>,
    },
}

/// The features a client announced in HELLO that change what the router sends it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    pub(crate) caller_progressive_invocations: bool,
    pub(crate) callee_cancel: bool,
    pub(crate) callee_progressive_results: bool,
    pub(crate) callee_progressive_invocations: bool,
    pub(crate) callee_timeout: bool,
    pub(crate) callee_revocation: bool,
    pub(crate) subscriber_revocation: bool,
    pub(crate) callee_reroute: bool,
    pub(crate) caller_passthru: Dialects,
    pub(crate) callee_passthru: Dialects,
    pub(crate) publisher_passthru: Dialects,
}

/// The Payload Passthru dialects a client announced under one role.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Dialects {
    ppt: bool,
    transparent: bool,
}

impl Dialects {
    fn announced(details: &Dict, role: Role) -> Self {
        Self {
            ppt: announces(details, role, Dialect::Ppt.feature()),
            transparent: announces(details, role, Dialect::Transparent.feature()),
        }
    }

    /// Whether the client announced `dialect` under this role.
    pub(crate) fn has(self, dialect: Dialect) -> bool {
        match dialect {
            Dialect::Ppt => self.ppt,
            Dialect::Transparent => self.transparent,
        }
    }
}

impl Features {
    /// Reads `HELLO.Details.roles`.
    pub(crate) fn from_hello(details: &Dict) -> Self {
        let has = |role, feature| announces(details, role, feature);
        Self {
            caller_progressive_invocations: has(Role::Caller, Feature::ProgressiveCallInvocations),
            callee_cancel: has(Role::Callee, Feature::CallCanceling),
            callee_progressive_results: has(Role::Callee, Feature::ProgressiveCallResults),
            callee_progressive_invocations: has(Role::Callee, Feature::ProgressiveCallInvocations),
            callee_timeout: has(Role::Callee, Feature::CallTimeout),
            callee_revocation: has(Role::Callee, Feature::RegistrationRevocation),
            subscriber_revocation: has(Role::Subscriber, Feature::SubscriptionRevocation),
            callee_reroute: has(Role::Callee, Feature::CallReroute),
            caller_passthru: Dialects::announced(details, Role::Caller),
            callee_passthru: Dialects::announced(details, Role::Callee),
            publisher_passthru: Dialects::announced(details, Role::Publisher),
        }
    }
}

/// One joined session.
#[derive(Debug)]
pub(crate) struct SessionEntry {
    pub(crate) id: Id,
    pub(crate) identity: Identity,
    pub(crate) authmethod: String,
    pub(crate) transport: Dict,
    pub(crate) features: Features,
    outbox: Outbox,
    close: Option<oneshot::Sender<Close>>,
    capacity: usize,
    /// The last request ID the session started (0 before its first request).
    last_request: Id,
    /// What to publish when the session ends (Testament Meta API).
    pub(crate) testaments: Testaments,
    /// The router's own session ([`crate::calls::RouterCalls`]): allowed everything.
    pub(crate) service: bool,
}

impl SessionEntry {
    pub(crate) fn new(
        id: Id,
        identity: Identity,
        authmethod: String,
        transport: Dict,
        hello: &Dict,
        outbox: Outbox,
        close: oneshot::Sender<Close>,
    ) -> Self {
        let capacity = outbox.tx.max_capacity();
        Self {
            id,
            identity,
            authmethod,
            transport,
            features: Features::from_hello(hello),
            outbox,
            close: Some(close),
            capacity,
            last_request: 0,
            testaments: Testaments::default(),
            service: false,
        }
    }

    /// The session's details as the session meta API gives them.
    pub(crate) fn details(&self) -> Value {
        let mut d = dict([
            (keys::SESSION, id(self.id)),
            (keys::AUTHID, text_value(&self.identity.authid)),
            (keys::AUTHROLE, text_value(&self.identity.authrole)),
            (keys::AUTHMETHOD, text_value(&self.authmethod)),
            (keys::AUTHPROVIDER, text_value(&self.identity.authprovider)),
        ]);
        d.insert(
            keys::TRANSPORT.into(),
            dict_to_value(self.transport.clone()),
        );
        dict_to_value(d)
    }

    /// Asks the session's connection to end (once; later requests are ignored).
    pub(crate) fn close(&mut self, close: Close) {
        if let Some(tx) = self.close.take() {
            let _ = tx.send(close);
        }
    }
}

/// A message queued for a session, with its [`Message::weight`]. Boxed: the queue's first block
/// of slots is allocated with the queue, and 32 slots of a pointer (not of a 120-byte message)
/// keep an idle session about 3.5 KiB smaller.
type Queued = Box<(Message, usize)>;

/// The sending end of a session's outbound queue, bounded in messages and in bytes.
#[derive(Debug)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Queued>,
    bytes: Arc<AtomicUsize>,
    max_bytes: usize,
}

/// The receiving end of a session's outbound queue, for its connection's writer.
#[derive(Debug)]
pub(crate) struct Outbound {
    rx: mpsc::Receiver<Queued>,
    bytes: Arc<AtomicUsize>,
}

impl Outbound {
    /// The next message, waiting for one.
    pub(crate) async fn recv(&mut self) -> Option<Message> {
        let (message, weight) = *self.rx.recv().await?;
        self.bytes.fetch_sub(weight, Ordering::Relaxed);
        Some(message)
    }

    /// The next message if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Message> {
        let (message, weight) = *self.rx.try_recv().ok()?;
        self.bytes.fetch_sub(weight, Ordering::Relaxed);
        Some(message)
    }
}

/// A session's outbound queue: at most `messages` messages and about `bytes` bytes.
pub(crate) fn outbound(messages: usize, bytes: usize) -> (Outbox, Outbound) {
    let (tx, rx) = mpsc::channel(messages);
    let queued = Arc::new(AtomicUsize::new(0));
    let outbox = Outbox {
        tx,
        bytes: queued.clone(),
        max_bytes: bytes,
    };
    (outbox, Outbound { rx, bytes: queued })
}

/// The sessions of a realm.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    map: HashMap<Id, SessionEntry>,
}

impl Sessions {
    pub(crate) fn insert(&mut self, entry: SessionEntry) {
        self.map.insert(entry.id, entry);
    }

    pub(crate) fn remove(&mut self, session: Id) -> Option<SessionEntry> {
        self.map.remove(&session)
    }

    pub(crate) fn get(&self, session: Id) -> Option<&SessionEntry> {
        self.map.get(&session)
    }

    pub(crate) fn get_mut(&mut self, session: Id) -> Option<&mut SessionEntry> {
        self.map.get_mut(&session)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &SessionEntry> {
        self.map.values()
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// The longest outbound queue now, in messages.
    pub(crate) fn max_queued(&self) -> usize {
        self.map
            .values()
            .map(|s| s.capacity.saturating_sub(s.outbox.tx.capacity()))
            .max()
            .unwrap_or(0)
    }

    pub(crate) fn features(&self, session: Id) -> Features {
        self.map
            .get(&session)
            .map(|s| s.features)
            .unwrap_or_default()
    }

    /// The most bytes waiting in any session's outbound queue now (estimated by
    /// [`Message::weight`]).
    pub(crate) fn max_queued_bytes(&self) -> usize {
        self.map
            .values()
            .map(|s| s.outbox.bytes.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0)
    }

    /// Queues `message` for `to`. A queue full in messages or in bytes disconnects that session
    /// as a slow consumer.
    pub(crate) fn send(&mut self, to: Id, message: Message) {
        let Some(entry) = self.map.get_mut(&to) else {
            return;
        };
        let outbox = &entry.outbox;
        let weight = message.weight();
        let queued = outbox.bytes.load(Ordering::Relaxed);
        let full = if queued.saturating_add(weight) > outbox.max_bytes {
            Some(format!(
                "the session did not keep up: {queued} bytes were waiting to be sent (at most {})",
                outbox.max_bytes
            ))
        } else {
            match outbox.tx.try_send(Box::new((message, weight))) {
                Ok(()) => {
                    outbox.bytes.fetch_add(weight, Ordering::Relaxed);
                    None
                }
                Err(mpsc::error::TrySendError::Full(_)) => Some(format!(
                    "the session did not keep up: {} messages were waiting to be sent",
                    entry.capacity
                )),
                // The connection is ending; it removes the session itself.
                Err(mpsc::error::TrySendError::Closed(_)) => None,
            }
        };
        // Told once; what comes after the close is dropped with the queue.
        if let (Some(message), true) = (full, entry.close.is_some()) {
            tracing::warn!(session = to, %message, "disconnecting the slow consumer");
            entry.close(Close::Abort {
                reason: SLOW_CONSUMER.into(),
                message,
            });
        }
    }

    /// Checks that `request` is the next ID of the session's sequence (1, 2, 3..., wrapping
    /// to 1 after 2^53) and records it.
    pub(crate) fn sequence(&mut self, session: Id, request: Id) -> Result<(), Violation> {
        let Some(entry) = self.map.get_mut(&session) else {
            return Ok(());
        };
        let expected = if entry.last_request >= MAX_ID {
            1
        } else {
            entry.last_request + 1
        };
        if request != expected {
            return Err(Violation(format!(
                "request ID {request} is not sequential: the session's next request ID is \
                 {expected}"
            )));
        }
        entry.last_request = request;
        Ok(())
    }

    /// The identity of a session.
    pub(crate) fn identity(&self, session: Id) -> Option<&Identity> {
        self.map.get(&session).map(|s| &s.identity)
    }
}

/// The ABORT reason for a session disconnected because its outbound queue was full
/// (`wamp_rs.error.slow_consumer`: no spec or peer defines one).
pub use wamp_core::message::uris::SLOW_CONSUMER;

/// Whether an options dict asks to disclose the sender (`disclose_me`).
pub(crate) fn disclose_me(options: &Dict) -> bool {
    flag(options, keys::DISCLOSE_ME).unwrap_or(false)
}
