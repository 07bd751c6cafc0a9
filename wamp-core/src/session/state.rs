//! What a session's connection is doing: the [`ReconnectPolicy`] that decides whether and when to
//! connect again, the [`SessionState`] a watch channel holds, and the [`SessionEvent`]s told to
//! anyone listening.
//!
//! A session whose connection is lost (the socket closed or broke, a keepalive went unanswered,
//! or the router shut down with `wamp.close.system_shutdown`) reconnects when its client has a
//! policy: it joins again with the same credentials, registers every procedure and subscribes
//! every topic again, then sends what waited meanwhile. A close asked for by either side
//! (`leave`, a router GOODBYE for another reason, ABORT, a protocol violation) is never retried.

use std::time::Duration;

use rand::Rng as _;

use crate::error::{uris, CloseReason};
use crate::message::Id;

/// When and how often a lost connection is retried: exponential backoff with jitter.
///
/// The delay before attempt `n` (from 1) is `initial_delay * multiplier^(n-1)`, capped at
/// `max_delay`, then jittered to a uniform value in `[delay * (1 - jitter), delay]`, so that many
/// clients of one restarted router do not reconnect in lockstep.
///
/// ```
/// use std::time::Duration;
/// use wamp_core::session::ReconnectPolicy;
///
/// let policy = ReconnectPolicy::default()
///     .initial_delay(Duration::from_millis(200))
///     .max_delay(Duration::from_secs(5))
///     .max_attempts(20)
///     .request_wait(Duration::from_secs(3));
/// assert!(policy.delay(1) <= Duration::from_millis(200));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    initial_delay: Duration,
    max_delay: Duration,
    multiplier: f64,
    jitter: f64,
    max_attempts: Option<u32>,
    request_wait: Duration,
}

impl Default for ReconnectPolicy {
    /// 100 ms, doubling up to 10 s, jitter 0.5, retried forever; requests wait up to 10 s.
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            multiplier: 2.0,
            jitter: 0.5,
            max_attempts: None,
            request_wait: Duration::from_secs(10),
        }
    }
}

impl ReconnectPolicy {
    /// The delay before the first attempt.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest delay between attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How much the delay grows after each failed attempt (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The share of each delay that is random, from 0 (none) to 1 (anywhere from zero to the
    /// delay).
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Gives up after this many failed attempts in a row; the session then closes with the last
    /// reason.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Retries until the session is left or dropped (the default).
    pub fn forever(mut self) -> Self {
        self.max_attempts = None;
        self
    }

    /// How long a call, publication, registration or subscription made while reconnecting waits
    /// for the session to be joined again before it fails with [`crate::Error::Disconnected`].
    pub fn request_wait(mut self, wait: Duration) -> Self {
        self.request_wait = wait;
        self
    }

    /// The configured wait for requests made while reconnecting.
    pub fn request_wait_bound(&self) -> Duration {
        self.request_wait
    }

    /// Whether attempt `attempt` (from 1) may be made.
    pub fn allows(&self, attempt: u32) -> bool {
        self.max_attempts.is_none_or(|max| attempt <= max)
    }

    /// The jittered delay before attempt `attempt` (from 1).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let grown = self.initial_delay.as_secs_f64() * self.multiplier.powi(exponent);
        let capped = grown.min(self.max_delay.as_secs_f64());
        let low = capped * (1.0 - self.jitter);
        let secs = if capped > low {
            rand::thread_rng().gen_range(low..=capped)
        } else {
            capped
        };
        Duration::try_from_secs_f64(secs).unwrap_or(self.max_delay)
    }
}

/// Whether a session that ended this way reconnects (when its client has a policy): a lost or
/// broken connection and a router shutting down do; a close either side asked for does not.
pub(crate) fn is_recoverable(reason: &CloseReason) -> bool {
    match reason {
        CloseReason::ConnectionLost | CloseReason::TransportError(_) => true,
        CloseReason::Goodbye {
            reason, by_router, ..
        } => *by_router && reason == uris::SYSTEM_SHUTDOWN,
        CloseReason::Aborted { .. } | CloseReason::ProtocolViolation(_) | CloseReason::Dropped => {
            false
        }
    }
}

/// What a session's connection is doing. Read it with [`crate::Session::state`].
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// Joined to the realm; requests go out at once.
    Joined {
        /// The session ID the router gave this connection.
        session: Id,
        /// Which connection this is: 1 for the first, one more after each reconnect.
        connection: u64,
    },
    /// The connection was lost; the next attempt starts after `retry_in`. Requests made now wait
    /// (up to the policy's bound) for the session to be joined again.
    Disconnected {
        /// Why the connection ended.
        reason: CloseReason,
        /// Failed attempts since it was lost.
        attempts: u32,
        /// The delay before the next attempt.
        retry_in: Duration,
    },
    /// Connecting and joining again.
    Connecting {
        /// This attempt's number, from 1.
        attempt: u32,
    },
    /// The session has ended for good.
    Closed(CloseReason),
}

impl SessionState {
    /// Whether the session is joined now.
    pub fn is_joined(&self) -> bool {
        matches!(self, SessionState::Joined { .. })
    }

    /// Whether the session has ended for good.
    pub fn is_closed(&self) -> bool {
        matches!(self, SessionState::Closed(_))
    }
}

/// A registration or subscription that could not be restored after a reconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreFailure {
    /// The procedure or topic.
    pub uri: String,
    /// What the router answered.
    pub error: String,
}

/// What a reconnect restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The new session ID.
    pub session: Id,
    /// Which connection this is (2 after the first reconnect).
    pub connection: u64,
    /// Registrations made again.
    pub registrations: usize,
    /// Subscriptions made again (one per topic and options, however many local subscribers).
    pub subscriptions: usize,
    /// What could not be restored; each has ended its registration or subscription.
    pub failures: Vec<RestoreFailure>,
    /// Attempts it took.
    pub attempts: u32,
    /// From losing the connection to the last registration and subscription answered.
    pub downtime: Duration,
}

/// Something that happened to a session's connection, in order. Listen with
/// [`crate::Session::events`].
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// The state changed (every change of the watch channel, none coalesced).
    State(SessionState),
    /// An attempt to connect or join failed.
    AttemptFailed {
        /// The attempt's number, from 1.
        attempt: u32,
        /// Why it failed.
        error: String,
    },
    /// After a reconnect, every registration and subscription was answered.
    Restored(RestoreReport),
    /// The listener fell behind and this many events were dropped for it.
    Lagged(u64),
}

/// How many [`SessionEvent`]s a listener may fall behind before it gets
/// [`SessionEvent::Lagged`]. tokio's broadcast channel allocates every slot up front, for every
/// session, listened to or not: 256 slots took 27 KB per session, 16 take 1.7 KB. A failed
/// reconnect attempt is three events (disconnected, connecting, the failure), so a listener
/// that reads after five of them has lagged; [`crate::Session::state`] always has the latest.
pub(crate) const SESSION_EVENTS: usize = 16;

/// A stream of [`SessionEvent`]s, from [`crate::Session::events`]. It holds the last 16 events
/// not yet read; a listener that falls further behind gets [`SessionEvent::Lagged`].
#[derive(Debug)]
pub struct SessionEvents {
    pub(crate) rx: tokio::sync::broadcast::Receiver<SessionEvent>,
    pub(crate) ended: bool,
}

impl SessionEvents {
    /// The next event; `None` after the [`SessionState::Closed`] event, the last one.
    pub async fn recv(&mut self) -> Option<SessionEvent> {
        use tokio::sync::broadcast::error::RecvError;
        if self.ended {
            return None;
        }
        let event = match self.rx.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(n)) => SessionEvent::Lagged(n),
            Err(RecvError::Closed) => return None,
        };
        Some(self.seen(event))
    }

    /// The next event if one is already there, without waiting.
    pub fn try_recv(&mut self) -> Option<SessionEvent> {
        use tokio::sync::broadcast::error::TryRecvError;
        if self.ended {
            return None;
        }
        let event = match self.rx.try_recv() {
            Ok(event) => event,
            Err(TryRecvError::Lagged(n)) => SessionEvent::Lagged(n),
            Err(TryRecvError::Empty | TryRecvError::Closed) => return None,
        };
        Some(self.seen(event))
    }

    fn seen(&mut self, event: SessionEvent) -> SessionEvent {
        self.ended = matches!(event, SessionEvent::State(SessionState::Closed(_)));
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_cap_and_jitter_within_bounds() {
        let policy = ReconnectPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1))
            .jitter(0.5);
        for _ in 0..100 {
            let first = policy.delay(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = policy.delay(1000);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1));
        }
        let exact = policy.clone().jitter(0.0);
        assert_eq!(exact.delay(2), Duration::from_millis(200));
        assert!(exact.allows(u32::MAX));
        let bounded = exact.max_attempts(3);
        assert!(bounded.allows(3) && !bounded.allows(4));
    }

    #[test]
    fn only_lost_connections_and_shutdowns_are_retried() {
        assert!(is_recoverable(&CloseReason::ConnectionLost));
        assert!(is_recoverable(&CloseReason::TransportError("reset".into())));
        assert!(is_recoverable(&CloseReason::Goodbye {
            reason: uris::SYSTEM_SHUTDOWN.into(),
            message: None,
            by_router: true,
        }));
        assert!(!is_recoverable(&CloseReason::Goodbye {
            reason: uris::CLOSE_REALM.into(),
            message: None,
            by_router: true,
        }));
        assert!(!is_recoverable(&CloseReason::Goodbye {
            reason: uris::SYSTEM_SHUTDOWN.into(),
            message: None,
            by_router: false,
        }));
        assert!(!is_recoverable(&CloseReason::ProtocolViolation("x".into())));
        assert!(!is_recoverable(&CloseReason::Dropped));
    }
}
