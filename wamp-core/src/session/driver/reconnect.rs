//! Between a lost connection and the next join: what fails at once, what waits, how the next
//! connection is opened, and how registrations and subscriptions are made again on it.
//!
//! - Calls in flight and acknowledged publications fail with [`Error::Disconnected`]: whether
//!   they took effect is unknown, so retrying is the caller's decision.
//! - SUBSCRIBE and REGISTER requests in flight are sent again on the next connection.
//! - Running invocations are aborted: their results could reach no caller.
//! - Requests made while reconnecting wait (up to the policy's bound, and at most
//!   `max_pending_calls` of them) and go out in order once joined; unsubscribing and
//!   unregistering meanwhile are done locally, as the router has forgotten the old session.

use std::future::Future;
use std::sync::Arc;

use futures::SinkExt as _;
use tokio::time::Instant;

use super::{reply_call, sleep_until, Driver, Flow, Pending};
use crate::error::{uris, CloseReason, Error, WampError};
use crate::session::register::RegistrationEnd;
use crate::session::state::{
    is_recoverable, ReconnectPolicy, RestoreFailure, RestoreReport, SessionEvent, SessionState,
};
use crate::session::Command;

/// How long the old transport gets to close before it is dropped.
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_millis(200);

/// The restore under way after a reconnect: the requests not yet answered and the tally.
pub(super) struct Restoring {
    outstanding: usize,
    registrations: usize,
    subscriptions: usize,
    failures: Vec<RestoreFailure>,
    attempts: u32,
    lost_at: Instant,
}

impl Driver {
    /// Called when the current connection ended with `reason`. With a reconnect policy and a
    /// recoverable reason, connects and joins again and answers `Ok` once the new connection is
    /// ready to serve; otherwise answers the reason the session ends with.
    pub(super) async fn reconnect(&mut self, reason: CloseReason) -> Result<(), CloseReason> {
        let Some(policy) = self.config.reconnect.clone() else {
            return Err(reason);
        };
        let reconnectable = self.connector.as_ref().is_some_and(|c| c.can_reconnect());
        if !reconnectable || !is_recoverable(&reason) {
            return Err(reason);
        }
        tracing::warn!(%reason, "connection lost; reconnecting");
        let lost_at = Instant::now();
        self.drop_connection(&reason).await;
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            if !policy.allows(attempt) {
                tracing::warn!(attempts = attempt - 1, "giving up reconnecting");
                return Err(reason);
            }
            let delay = policy.delay(attempt);
            self.set_state(SessionState::Disconnected {
                reason: reason.clone(),
                attempts: attempt - 1,
                retry_in: delay,
            });
            self.offline(tokio::time::sleep(delay), &reason, &policy)
                .await?;
            self.set_state(SessionState::Connecting { attempt });
            let Some(mut connector) = self.connector.take() else {
                return Err(reason);
            };
            let open = async move {
                let opened = connector.open().await;
                (connector, opened)
            };
            let (connector, opened) = self.offline(open, &reason, &policy).await?;
            self.connector = Some(connector);
            let (transport, info) = match opened {
                Ok(joined) => joined,
                Err(e) => {
                    tracing::debug!(attempt, error = %e, "reconnect attempt failed");
                    let _ = self.events.send(SessionEvent::AttemptFailed {
                        attempt,
                        error: e.to_string(),
                    });
                    if let Some(refusal) = refusal(&e) {
                        return Err(refusal);
                    }
                    continue;
                }
            };
            self.transport = transport;
            self.info = Arc::new(info);
            self.info_tx.send_replace(self.info.clone());
            self.connection += 1;
            self.next_request = 1;
            self.dirty = false;
            self.set_state(SessionState::Joined {
                session: self.info.id,
                connection: self.connection,
            });
            tracing::info!(session = self.info.id, attempt, "joined again");
            match self.restore(attempt, lost_at).await {
                Ok(()) => return Ok(()),
                Err(lost) => {
                    tracing::warn!(reason = %lost, "connection lost while restoring");
                    self.drop_connection(&lost).await;
                }
            }
        }
    }

    /// Lets go of a lost connection: fails what cannot survive it, keeps what is sent again.
    async fn drop_connection(&mut self, reason: &CloseReason) {
        let _ = tokio::time::timeout(CLOSE_GRACE, self.transport.close()).await;
        let lost = || Error::Disconnected(reason.clone());
        for (_, call) in self.calls.drain() {
            reply_call(call.reply, Err(lost()));
        }
        self.call_keys.clear();
        let requests: Vec<Pending> = self.requests.drain().map(|(_, p)| p).collect();
        for pending in requests {
            match pending {
                Pending::Subscribe { .. } | Pending::Register { .. } => self.resend.push(pending),
                Pending::Unsubscribe { reply, .. } => {
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(()));
                    }
                }
                Pending::Unregister {
                    registration,
                    reply,
                } => {
                    self.end_registration(registration, RegistrationEnd::Unregistered);
                    let _ = reply.send(Ok(()));
                }
                Pending::Publish { reply } => {
                    let _ = reply.send(Err(lost()));
                }
            }
        }
        self.unsubscribing.clear();
        for (_, running) in self.invocations.drain() {
            running.task.abort();
        }
        self.ended_inputs.clear();
        self.restoring = None;
        self.leaving = None;
    }

    /// Runs `work` while no connection is up, meanwhile parking or answering what handles ask.
    /// Fails with the session's final reason if it is left or dropped meanwhile.
    async fn offline<F: Future>(
        &mut self,
        work: F,
        reason: &CloseReason,
        policy: &ReconnectPolicy,
    ) -> Result<F::Output, CloseReason> {
        tokio::pin!(work);
        loop {
            let deadline = self.parked.front().map(|(deadline, _)| *deadline);
            tokio::select! {
                output = &mut work => return Ok(output),
                command = self.commands.recv() => match command {
                    Some(command) => self.offline_command(command, reason, policy)?,
                    None => return Err(CloseReason::Dropped),
                },
                () = sleep_until(deadline), if deadline.is_some() => self.expire_parked(reason),
            }
        }
    }

    /// Handles a command while no connection is up.
    fn offline_command(
        &mut self,
        command: Command,
        reason: &CloseReason,
        policy: &ReconnectPolicy,
    ) -> Flow {
        match command {
            Command::Call { .. }
            | Command::Publish { .. }
            | Command::Subscribe { .. }
            | Command::Register { .. } => {
                if self.parked.len() >= self.config.max_pending_calls {
                    let limit = self.config.max_pending_calls;
                    fail_command(command, Error::TooManyPendingCalls { limit });
                } else {
                    let deadline = Instant::now() + policy.request_wait_bound();
                    self.parked.push_back((deadline, command));
                }
            }
            Command::CallChunk { sent, .. } => {
                let _ = sent.send(Err(Error::Disconnected(reason.clone())));
            }
            Command::Cancel { key, .. } => {
                let parked = self
                    .parked
                    .iter()
                    .position(|(_, c)| matches!(c, Command::Call { key: k, .. } if *k == key));
                if let Some((_, command)) = parked.and_then(|i| self.parked.remove(i)) {
                    fail_command(command, Error::Wamp(WampError::new(uris::CANCELED)));
                }
            }
            Command::Unsubscribe { local, reply } => {
                // The router forgot the old session's subscriptions: forgetting it here is all.
                self.forget_subscriber(local);
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(()));
                }
            }
            Command::Unregister { local, reply } => {
                if let Some(id) = self.local_registrations.get(&local).copied() {
                    self.end_registration(id, RegistrationEnd::Unregistered);
                }
                let _ = reply.send(Ok(()));
            }
            // Invocations of the lost connection were aborted; a late word from one goes nowhere.
            Command::InvocationProgress { .. } | Command::InvocationDone { .. } => {}
            Command::Leave { reason, message } => {
                return Err(CloseReason::Goodbye {
                    reason,
                    message,
                    by_router: false,
                });
            }
        }
        Ok(())
    }

    /// Fails the parked requests whose wait is over.
    fn expire_parked(&mut self, reason: &CloseReason) {
        let now = Instant::now();
        while self
            .parked
            .front()
            .is_some_and(|(deadline, _)| *deadline <= now)
        {
            if let Some((_, command)) = self.parked.pop_front() {
                fail_command(command, Error::Disconnected(reason.clone()));
            }
        }
    }

    /// On a new connection: subscribes and registers everything again, sends what the lost
    /// connection left unanswered, then what waited meanwhile.
    async fn restore(&mut self, attempts: u32, lost_at: Instant) -> Flow {
        let subscriptions: Vec<_> = self.subscriptions.drain().map(|(_, slot)| slot).collect();
        self.local_subscriptions.clear();
        let registrations: Vec<_> = self.registrations.drain().map(|(_, r)| r).collect();
        self.local_registrations.clear();
        let resend = std::mem::take(&mut self.resend);
        self.restoring = Some(Restoring {
            outstanding: 0,
            registrations: 0,
            subscriptions: 0,
            failures: Vec::new(),
            attempts,
            lost_at,
        });
        for slot in subscriptions {
            let subscribers: Vec<_> = slot
                .subscribers
                .into_iter()
                .filter(|s| !s.tx.is_closed())
                .collect();
            if subscribers.is_empty() {
                continue;
            }
            self.expect_restore();
            self.subscribe(slot.topic, slot.options, subscribers, None, true)
                .await?;
        }
        for local in registrations {
            self.expect_restore();
            self.register(local, None).await?;
        }
        for pending in resend {
            if pending.is_restore() {
                self.expect_restore();
            }
            match pending {
                Pending::Subscribe {
                    topic,
                    options,
                    locals,
                    reply,
                    restore,
                } => {
                    self.subscribe(topic, options, locals, reply, restore)
                        .await?
                }
                Pending::Register { local, reply } => self.register(local, reply).await?,
                other => other.fail(|| Error::NotSent("the connection was lost".into())),
            }
        }
        self.report_if_restored();
        for (_, command) in std::mem::take(&mut self.parked) {
            self.on_command(command).await?;
        }
        self.flush().await
    }

    fn expect_restore(&mut self) {
        if let Some(restoring) = self.restoring.as_mut() {
            restoring.outstanding += 1;
        }
    }

    /// Counts the answer to a request, if it restores a registration or subscription; reports
    /// the restore once every such request is answered.
    pub(super) fn restore_answered(&mut self, pending: &Pending, failure: Option<&str>) {
        if !pending.is_restore() {
            return;
        }
        let Some(restoring) = self.restoring.as_mut() else {
            return;
        };
        restoring.outstanding = restoring.outstanding.saturating_sub(1);
        match (failure, pending) {
            (Some(error), _) => {
                tracing::warn!(uri = pending.uri(), %error, "could not restore after reconnecting");
                restoring.failures.push(RestoreFailure {
                    uri: pending.uri().to_owned(),
                    error: error.to_owned(),
                });
            }
            (None, Pending::Subscribe { .. }) => restoring.subscriptions += 1,
            (None, _) => restoring.registrations += 1,
        }
        self.report_if_restored();
    }

    fn report_if_restored(&mut self) {
        if self.restoring.as_ref().is_some_and(|r| r.outstanding == 0) {
            let Some(done) = self.restoring.take() else {
                return;
            };
            let report = RestoreReport {
                session: self.info.id,
                connection: self.connection,
                registrations: done.registrations,
                subscriptions: done.subscriptions,
                failures: done.failures,
                attempts: done.attempts,
                downtime: done.lost_at.elapsed(),
            };
            tracing::info!(
                registrations = report.registrations,
                subscriptions = report.subscriptions,
                failures = report.failures.len(),
                downtime_ms = report.downtime.as_millis() as u64,
                "restored after reconnecting"
            );
            let _ = self.events.send(SessionEvent::Restored(report));
        }
    }
}

/// The final reason when a reconnect attempt is refused for good: the router refused the
/// credentials or the realm (retrying cannot help), as opposed to a connection that failed.
fn refusal(error: &Error) -> Option<CloseReason> {
    match error {
        Error::Auth(e) => Some(CloseReason::Aborted {
            reason: uris::AUTHENTICATION_FAILED.into(),
            message: Some(e.to_string()),
        }),
        Error::Refused {
            reason, message, ..
        } if reason != uris::SYSTEM_SHUTDOWN => Some(CloseReason::Aborted {
            reason: reason.clone(),
            message: message.clone(),
        }),
        _ => None,
    }
}

/// Answers a request that will not be sent.
pub(super) fn fail_command(command: Command, error: Error) {
    match command {
        Command::Call { sent, .. } | Command::CallChunk { sent, .. } => {
            let _ = sent.send(Err(error));
        }
        Command::Publish { reply, .. } => {
            let _ = reply.send(Err(error));
        }
        Command::Subscribe { reply, .. } | Command::Register { reply, .. } => {
            let _ = reply.send(Err(error));
        }
        Command::Unsubscribe { reply, .. } => {
            if let Some(reply) = reply {
                let _ = reply.send(Ok(()));
            }
        }
        Command::Unregister { reply, .. } => {
            let _ = reply.send(Ok(()));
        }
        Command::Cancel { .. }
        | Command::InvocationProgress { .. }
        | Command::InvocationDone { .. }
        | Command::Leave { .. } => {}
    }
}
