//! The keepalive timer shared by the WebSocket and RawSocket transports: after an interval with no
//! traffic from the peer, send a ping; if nothing at all arrives within the timeout after it, the
//! peer is dead (it may have vanished without a close, or a middlebox dropped the connection).
//!
//! Traffic only sets a flag, so a busy connection pays nothing per message; the timer checks
//! the flag when it fires. A silent peer is therefore found between `interval + timeout` and
//! `2 * interval + timeout` after its last message.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Sink;
use tokio::time::{Instant, Sleep};

use super::TransportError;

/// How often to ping an idle peer, and how long to wait for any answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// The idle time before a ping.
    pub interval: Duration,
    /// How long after a ping the peer must have sent something.
    pub timeout: Duration,
}

/// What the timer asks of its transport.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Send a ping now.
    Ping,
    /// Nothing arrived within the timeout after a ping.
    Dead,
}

/// The running timer of one connection.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    config: Keepalive,
    sleep: Pin<Box<Sleep>>,
    seen: bool,
    pinged: bool,
    /// A ping is due but the sink was not ready to take it.
    ping_due: bool,
}

impl Heartbeat {
    pub(crate) fn new(config: Keepalive) -> Self {
        Self {
            config,
            sleep: Box::pin(tokio::time::sleep(config.interval)),
            seen: false,
            pinged: false,
            ping_due: false,
        }
    }

    /// Runs the keepalive of a transport: sends a due ping (`ping()`) through `sink` without
    /// waiting for it, or fails with [`TransportError::KeepaliveTimeout`] when the peer is dead.
    pub(crate) fn drive<S, F>(
        &mut self,
        cx: &mut Context<'_>,
        mut sink: Pin<&mut S>,
        ping: impl FnOnce() -> F,
        map_err: impl Fn(S::Error) -> TransportError,
    ) -> Result<(), TransportError>
    where
        S: Sink<F>,
    {
        match self.poll(cx) {
            Poll::Ready(Beat::Dead) => {
                return Err(TransportError::KeepaliveTimeout(self.config.timeout))
            }
            Poll::Ready(Beat::Ping) => self.ping_due = true,
            Poll::Pending => {}
        }
        if self.ping_due {
            if let Poll::Ready(ready) = sink.as_mut().poll_ready(cx) {
                ready.map_err(&map_err)?;
                self.ping_due = false;
                sink.as_mut().start_send(ping()).map_err(&map_err)?;
                if let Poll::Ready(Err(e)) = sink.as_mut().poll_flush(cx) {
                    return Err(map_err(e));
                }
            }
        }
        Ok(())
    }

    /// Records traffic from the peer.
    pub(crate) fn seen(&mut self) {
        self.seen = true;
    }

    /// Polls the timer; `Pending` until a ping is due or the peer is found dead.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Beat> {
        loop {
            if self.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let (next, beat) = match (std::mem::take(&mut self.seen), self.pinged) {
                // Traffic since the last check: the peer is alive.
                (true, _) => {
                    self.pinged = false;
                    (self.config.interval, None)
                }
                (false, false) => {
                    self.pinged = true;
                    (self.config.timeout, Some(Beat::Ping))
                }
                (false, true) => return Poll::Ready(Beat::Dead),
            };
            self.sleep.as_mut().reset(Instant::now() + next);
            if let Some(beat) = beat {
                return Poll::Ready(beat);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(hb: &mut Heartbeat) -> Poll<Beat> {
        let waker = futures::task::noop_waker();
        hb.poll(&mut Context::from_waker(&waker))
    }

    #[tokio::test(start_paused = true)]
    async fn pings_an_idle_peer_and_finds_a_silent_one_dead() {
        let mut hb = Heartbeat::new(Keepalive {
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
        });
        assert_eq!(poll(&mut hb), Poll::Pending);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(poll(&mut hb), Poll::Ready(Beat::Ping));
        // The pong (any traffic) arrives: no verdict at the timeout, the next ping an interval on.
        hb.seen();
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(poll(&mut hb), Poll::Pending);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(poll(&mut hb), Poll::Ready(Beat::Ping));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(poll(&mut hb), Poll::Ready(Beat::Dead));
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_peer_is_never_pinged() {
        let mut hb = Heartbeat::new(Keepalive {
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
        });
        for _ in 0..10 {
            hb.seen();
            tokio::time::advance(Duration::from_secs(1)).await;
            assert_eq!(poll(&mut hb), Poll::Pending);
        }
    }
}
