//! The caller: `session.call(procedure)` builds a CALL; awaiting it gives a [`CallResult`].

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument as _;

use super::{send_in_background, set, CallReply, Command, Session};
use crate::cryptobox::Side;
use crate::error::Error;
use crate::message::passthru::Dialect;
use crate::message::{keys, Arguments, CancelMode, Feature, MatchPolicy, Passthru, Payload, Role};
use crate::trace::TraceContext;
use crate::value::{Dict, Value, ValueError};

/// The answer to a call: the result payload and its details.
#[derive(Debug, Clone, PartialEq)]
pub struct CallResult {
    /// The positional and keyword results.
    pub arguments: Arguments,
    /// A passthru payload, when the callee used Payload Passthru Mode (then `arguments` is
    /// empty).
    pub passthru: Option<Passthru>,
    /// The RESULT details.
    pub details: Dict,
    /// Whether this is a progressive (intermediate) result.
    pub progress: bool,
    /// Whether the result arrived end-to-end encrypted (and was opened with the session's key
    /// ring).
    pub encrypted: bool,
}

impl CallResult {
    pub(crate) fn new(details: Dict, payload: Payload) -> Self {
        let progress = details.get(keys::PROGRESS) == Some(&Value::Bool(true));
        let (arguments, passthru) = Passthru::split(&details, payload);
        Self {
            arguments,
            passthru,
            details,
            progress,
            encrypted: false,
        }
    }

    /// Decodes the single returned value (the first positional result).
    pub fn value<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_value()
    }

    /// Decodes all positional results as a tuple, `Vec` or struct.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_args()
    }

    /// Decodes the keyword results as a struct or map.
    pub fn kwargs<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_kwargs()
    }
}

/// A CALL being built. `.await` it for the result, or turn it into a [`CallStream`] or a
/// [`ProgressiveCall`].
#[must_use = "a call does nothing until awaited"]
pub struct CallBuilder {
    session: Session,
    procedure: String,
    arguments: Result<Arguments, ValueError>,
    passthru: Option<Passthru>,
    encrypted: bool,
    options: Dict,
    timeout: Option<Duration>,
    cancel_mode: CancelMode,
}

impl std::fmt::Debug for CallBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallBuilder")
            .field("procedure", &self.procedure)
            .field("options", &self.options)
            .finish()
    }
}

impl CallBuilder {
    pub(crate) fn new(session: Session, procedure: String) -> Self {
        Self {
            session,
            procedure,
            arguments: Ok(Arguments::default()),
            passthru: None,
            encrypted: false,
            options: Dict::new(),
            timeout: None,
            cancel_mode: CancelMode::default(),
        }
    }

    payload_methods!("call");

    /// A timeout: sent as `CALL.Options.timeout` for dealers that enforce it, and enforced here
    /// too (Crossbar.io does not), by canceling the call and answering [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        let millis = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        set(&mut self.options, keys::TIMEOUT, millis);
        self.timeout = Some(timeout);
        self
    }

    /// Asks the dealer to disclose this caller's identity to the callee.
    pub fn disclose_me(self) -> Self {
        self.option(keys::DISCLOSE_ME, true)
    }

    /// Sends this trace context (instead of the current span's, see [`crate::trace`]).
    pub fn trace_context(mut self, context: &TraceContext) -> Self {
        context.write(&mut self.options);
        self
    }

    /// How a cancel (on drop or timeout) asks the dealer to stop the call.
    pub fn cancel_mode(mut self, mode: CancelMode) -> Self {
        self.cancel_mode = mode;
        self
    }

    fn prepare(&mut self) -> Result<Payload, Error> {
        self.session
            .check_uri(&self.procedure, MatchPolicy::Exact)?;
        self.session
            .require_options(Role::Dealer, &self.options, super::needs::CALL)?;
        let arguments = std::mem::replace(&mut self.arguments, Ok(Arguments::default()));
        self.session.outgoing_payload(Outgoing {
            role: Role::Dealer,
            uri: &self.procedure,
            options: &mut self.options,
            arguments,
            passthru: self.passthru.as_ref(),
            encrypted: self.encrypted,
        })
    }

    /// Sends the call and answers a guard that cancels it when dropped unfinished.
    async fn start(self, reply: CallReply, payload: Payload) -> Result<CallGuard, Error> {
        let key = self.session.next_key();
        let (sent_tx, sent_rx) = oneshot::channel();
        self.session
            .send(Command::Call {
                key,
                procedure: self.procedure,
                options: self.options,
                payload,
                reply,
                sent: sent_tx,
            })
            .await?;
        let mut guard = CallGuard {
            session: self.session,
            key,
            mode: self.cancel_mode,
            done: false,
        };
        if let Err(e) = guard.session.answer(sent_rx).await {
            guard.done = true;
            return Err(e);
        }
        Ok(guard)
    }

    /// Calls with `receive_progress`: a stream of the progressive results, then the final one.
    /// Dropping the stream before the final result cancels the call.
    pub async fn stream(mut self) -> Result<CallStream, Error> {
        self.session
            .require(Role::Dealer, Feature::ProgressiveCallResults)?;
        let payload = self.prepare()?;
        set(&mut self.options, keys::RECEIVE_PROGRESS, true);
        let deadline = self.timeout.map(|t| Box::pin(tokio::time::sleep(t)));
        let timeout = self.timeout;
        let (progress_tx, progress) = mpsc::channel(self.session.config().event_buffer.max(1));
        let (last_tx, last) = oneshot::channel();
        let lagged = Arc::new(AtomicU64::new(0));
        let reply = CallReply::Stream {
            progress: progress_tx,
            lagged: lagged.clone(),
            last: last_tx,
        };
        let guard = self.start(reply, payload).await?;
        Ok(CallStream {
            progress,
            last: Some(last),
            lagged,
            guard,
            deadline,
            timeout,
        })
    }

    /// Starts a progressive call invocation: these arguments go in a first CALL with
    /// `progress = true`; send more with [`ProgressiveCall::send`] and the last with
    /// [`ProgressiveCall::finish`]. The dealer must announce `progressive_call_invocations`.
    pub async fn progressive(mut self) -> Result<ProgressiveCall, Error> {
        self.session
            .require(Role::Dealer, Feature::ProgressiveCallInvocations)?;
        let payload = self.prepare()?;
        set(&mut self.options, keys::PROGRESS, true);
        let timeout = self.timeout;
        // Further chunks carry arguments: sealed again when the first one was sealed by the
        // key ring, and never another payload's passthru attributes.
        let sealed = self.passthru.is_none() && Dialect::of(&self.options).is_some();
        let seal_for = sealed.then(|| self.procedure.clone());
        let base_options = {
            let mut o = self.options.clone();
            o.remove(keys::PROGRESS);
            for dialect in [Dialect::Ppt, Dialect::Transparent] {
                for key in dialect.keys() {
                    o.remove(*key);
                }
            }
            o
        };
        let (tx, rx) = oneshot::channel();
        let guard = self.start(CallReply::Once(tx), payload).await?;
        Ok(ProgressiveCall {
            guard,
            rx,
            options: base_options,
            seal_for,
            timeout,
        })
    }
}

impl IntoFuture for CallBuilder {
    type Output = Result<CallResult, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let span =
            tracing::debug_span!("wamp_call", procedure = %self.procedure, otel.kind = "client");
        Box::pin(
            async move {
                let mut this = self;
                let payload = this.prepare()?;
                let timeout = this.timeout;
                let (tx, rx) = oneshot::channel();
                let mut guard = this.start(CallReply::Once(tx), payload).await?;
                guard.result(rx, timeout).await
            }
            .instrument(span),
        )
    }
}

/// What goes into the payload of a CALL or PUBLISH.
pub(crate) struct Outgoing<'a> {
    /// The router role that must announce a passthru dialect used.
    pub(crate) role: Role,
    /// The procedure or topic, which picks the end-to-end encryption key.
    pub(crate) uri: &'a str,
    /// The message's options, where passthru attributes go.
    pub(crate) options: &'a mut Dict,
    pub(crate) arguments: Result<Arguments, ValueError>,
    /// A passthru payload the application made itself (sent as it is).
    pub(crate) passthru: Option<&'a Passthru>,
    /// Whether end-to-end encryption is required.
    pub(crate) encrypted: bool,
}

impl Session {
    /// The payload of a CALL or PUBLISH: the passthru payload if one was set, else the arguments,
    /// sealed when the key ring covers the URI. A passthru payload's attributes go into the
    /// options, and the router must announce its dialect.
    pub(crate) fn outgoing_payload(&self, out: Outgoing<'_>) -> Result<Payload, Error> {
        // The trace context: given to the builder, or the current span's (`crate::trace`).
        let trace = TraceContext::from_dict(out.options).or_else(TraceContext::current);
        if let Some(trace) = &trace {
            trace.write(out.options);
        }
        let sealed;
        let passthru = match out.passthru {
            Some(p) => p,
            None => {
                let mut arguments = out.arguments?;
                if let (Some(trace), true) = (&trace, self.config().trace_in_payload) {
                    trace.write(&mut arguments.kwargs);
                }
                match self.seal(out.uri, &arguments, out.encrypted)? {
                    Some(p) => {
                        sealed = p;
                        &sealed
                    }
                    None => return Ok(Payload::Arguments(arguments)),
                }
            }
        };
        self.require(out.role, passthru.dialect.feature())?;
        passthru.write_attributes(out.options);
        Ok(Payload::Passthru(passthru.payload.clone()))
    }

    /// Seals arguments for `uri` as the originator, when the key ring covers it; `required`
    /// makes a missing key an error.
    pub(crate) fn seal(
        &self,
        uri: &str,
        arguments: &Arguments,
        required: bool,
    ) -> Result<Option<Passthru>, Error> {
        let ring = self.config().key_ring.as_deref();
        let sealed = match ring {
            Some(ring) => ring.seal(Side::Originator, uri, arguments)?,
            None => None,
        };
        if sealed.is_none() && required {
            return Err(Error::NoKey { uri: uri.into() });
        }
        Ok(sealed)
    }
}

/// Cancels the call it guards when dropped before the call finished.
struct CallGuard {
    session: Session,
    key: u64,
    mode: CancelMode,
    done: bool,
}

impl CallGuard {
    /// Waits for the final result, within `timeout` if set. A timeout leaves the guard armed, so
    /// dropping it sends CANCEL; any other outcome disarms it.
    async fn result(
        &mut self,
        rx: oneshot::Receiver<Result<CallResult, Error>>,
        timeout: Option<Duration>,
    ) -> Result<CallResult, Error> {
        let answer = self.session.answer(rx);
        let result = match timeout {
            None => answer.await,
            Some(t) => tokio::time::timeout(t, answer)
                .await
                .unwrap_or(Err(Error::Timeout(t))),
        };
        self.done = !matches!(result, Err(Error::Timeout(_)));
        result
    }

    fn cancel_now(&mut self, mode: CancelMode) {
        if !self.done {
            self.done = true;
            send_in_background(
                self.session.commands(),
                Command::Cancel {
                    key: self.key,
                    mode,
                },
            );
        }
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        let mode = self.mode;
        self.cancel_now(mode);
    }
}

/// The results of a call made with `receive_progress`: progressive results (`progress = true`),
/// then the final result, then the end of the stream.
///
/// Progressive results wait in a buffer of [`crate::session::SessionConfig::event_buffer`]; when
/// the stream is not polled fast enough, newer ones are dropped and the stream reports how many
/// with [`Error::Lagged`]. The final result is always delivered.
pub struct CallStream {
    progress: mpsc::Receiver<CallResult>,
    last: Option<oneshot::Receiver<Result<CallResult, Error>>>,
    lagged: Arc<AtomicU64>,
    guard: CallGuard,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for CallStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallStream")
            .field("done", &self.guard.done)
            .finish()
    }
}

impl CallStream {
    /// Cancels the call with `mode`; the stream then ends with the dealer's answer.
    pub fn cancel(&mut self, mode: CancelMode) {
        if !self.guard.done {
            self.guard.done = true;
            send_in_background(
                self.guard.session.commands(),
                Command::Cancel {
                    key: self.guard.key,
                    mode,
                },
            );
        }
    }
}

impl Stream for CallStream {
    type Item = Result<CallResult, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let lagged = self.lagged.swap(0, Ordering::Relaxed);
        if lagged > 0 {
            return Poll::Ready(Some(Err(Error::Lagged(lagged))));
        }
        // Progressive results were buffered before the final one was sent, so they come first.
        if let Poll::Ready(Some(result)) = self.progress.poll_recv(cx) {
            return Poll::Ready(Some(Ok(result)));
        }
        let Some(last) = self.last.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(outcome) = Pin::new(last).poll(cx) {
            self.last = None;
            self.guard.done = true;
            let session = self.guard.session.clone();
            return Poll::Ready(Some(
                outcome.unwrap_or_else(|_| Err(Error::SessionClosed(session.closed_reason()))),
            ));
        }
        let timeout = self.timeout;
        let expired = self
            .deadline
            .as_mut()
            .is_some_and(|d| d.as_mut().poll(cx).is_ready());
        if let (true, Some(timeout)) = (expired, timeout) {
            if !self.guard.done {
                let mode = self.guard.mode;
                self.guard.cancel_now(mode);
                self.deadline = None;
                return Poll::Ready(Some(Err(Error::Timeout(timeout))));
            }
        }
        Poll::Pending
    }
}

/// A call whose arguments go out in several CALL messages (progressive call invocations).
pub struct ProgressiveCall {
    guard: CallGuard,
    rx: oneshot::Receiver<Result<CallResult, Error>>,
    options: Dict,
    /// The procedure, when every chunk is sealed for it.
    seal_for: Option<String>,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for ProgressiveCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressiveCall").finish_non_exhaustive()
    }
}

impl ProgressiveCall {
    async fn chunk(&mut self, arguments: Arguments, last: bool) -> Result<(), Error> {
        let mut options = self.options.clone();
        if !last {
            set(&mut options, keys::PROGRESS, true);
        }
        let payload = match &self.seal_for {
            Some(procedure) => {
                let sealed = self.guard.session.seal(procedure, &arguments, true)?;
                let sealed = sealed.ok_or_else(|| Error::NoKey {
                    uri: procedure.clone(),
                })?;
                sealed.write_attributes(&mut options);
                Payload::Passthru(sealed.payload)
            }
            None => Payload::Arguments(arguments),
        };
        let (sent_tx, sent_rx) = oneshot::channel();
        self.guard
            .session
            .send(Command::CallChunk {
                key: self.guard.key,
                options,
                payload,
                sent: sent_tx,
            })
            .await?;
        self.guard.session.answer(sent_rx).await
    }

    /// Sends another part of the call's input (a CALL with `progress = true`).
    pub async fn send(&mut self, arguments: Arguments) -> Result<(), Error> {
        self.chunk(arguments, false).await
    }

    /// Gives up sending input: answers the call's outcome if it already ended (the callee
    /// answered early, or the dealer failed it), else `error`, canceling the call.
    pub fn end_with(self, error: Error) -> Result<CallResult, Error> {
        let ProgressiveCall {
            mut guard, mut rx, ..
        } = self;
        match rx.try_recv() {
            Ok(outcome) => {
                guard.done = true;
                outcome
            }
            // Dropping the guard sends the CANCEL.
            Err(_) => Err(error),
        }
    }

    /// Sends the last part of the input and waits for the result. If the call already ended (the
    /// dealer or callee answered early, for example with an error), answers that outcome.
    pub async fn finish(mut self, arguments: Arguments) -> Result<CallResult, Error> {
        let sent = self.chunk(arguments, true).await;
        let ProgressiveCall {
            mut guard,
            mut rx,
            timeout,
            ..
        } = self;
        match sent {
            Ok(()) => guard.result(rx, timeout).await,
            Err(not_sent) => rx.try_recv().unwrap_or(Err(not_sent)),
        }
    }
}
