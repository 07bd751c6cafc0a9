//! The callee: `session.register(procedure, handler)` gives a [`Registration`]. Each INVOCATION
//! runs the handler in its own task; INTERRUPT aborts that task.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot, watch};

use super::inputs::Inputs;
use super::{set, Command, Session};
use crate::error::{Error, WampError};
use crate::message::{keys, Arguments, Id, InvokePolicy, MatchPolicy, Passthru, Role};
use crate::value::{Dict, Value, ValueError};

/// What a procedure handler returns: its result arguments, or a WAMP error.
pub type HandlerResult = Result<Arguments, WampError>;

/// What a handler answers an invocation with: result arguments, or a passthru payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Positional and keyword results.
    Arguments(Arguments),
    /// A payload in Payload Passthru Mode; the caller must have announced its dialect, or it
    /// gets `wamp.error.feature_not_supported` from a router that checks.
    Passthru(Passthru),
}

impl From<Arguments> for Reply {
    fn from(a: Arguments) -> Self {
        Reply::Arguments(a)
    }
}

impl From<Passthru> for Reply {
    fn from(p: Passthru) -> Self {
        Reply::Passthru(p)
    }
}

/// Handles invocations of a registered procedure.
///
/// Implemented for every `Fn(Invocation) -> impl Future<Output = HandlerResult>` closure, and,
/// through [`ReplyHandler`], for closures that may answer with a passthru payload.
///
/// The session's driver polls the handler's future once itself: one that completes then is
/// answered at once, without a task of its own; one that does not runs on in a spawned task.
/// A handler with long CPU work to do before its first `.await` therefore holds up the
/// session's other messages while it does it: put such work in `tokio::task::spawn_blocking`.
pub trait Handler: Send + Sync + 'static {
    /// Handles one invocation.
    fn handle(&self, invocation: Invocation) -> BoxFuture<'static, Result<Reply, WampError>>;
}

impl<F, Fut> Handler for F
where
    F: Fn(Invocation) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    fn handle(&self, invocation: Invocation) -> BoxFuture<'static, Result<Reply, WampError>> {
        let work = self(invocation);
        Box::pin(async move { work.await.map(Reply::Arguments) })
    }
}

/// A handler closure that answers with a [`Reply`]: arguments or a passthru payload.
///
/// ```no_run
/// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::Error> {
/// use wamp_core::message::Passthru;
/// use wamp_core::session::{Invocation, Reply, ReplyHandler};
/// use wamp_core::WampError;
///
/// let echo = ReplyHandler(|invocation: Invocation| async move {
///     let p = invocation.passthru.ok_or_else(|| WampError::new("com.example.not_passthru"))?;
///     Ok::<_, WampError>(Reply::from(Passthru::new("x_echo", p.payload)))
/// });
/// session.register("com.example.echo", echo).await?.keep();
/// # Ok(()) }
/// ```
pub struct ReplyHandler<F>(pub F);

impl<F, Fut> Handler for ReplyHandler<F>
where
    F: Fn(Invocation) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Reply, WampError>> + Send + 'static,
{
    fn handle(&self, invocation: Invocation) -> BoxFuture<'static, Result<Reply, WampError>> {
        Box::pin((self.0)(invocation))
    }
}

/// One call of a registered procedure, as the callee sees it.
pub struct Invocation {
    /// The call's positional and keyword arguments.
    pub arguments: Arguments,
    /// A passthru payload, when the caller used Payload Passthru Mode (then `arguments` is
    /// empty).
    pub passthru: Option<crate::message::Passthru>,
    /// The INVOCATION details.
    pub details: Dict,
    /// Whether the call arrived end-to-end encrypted (and was opened with the session's key
    /// ring); its result and errors are then sealed too.
    pub encrypted: bool,
    /// The registration invoked.
    pub registration: Id,
    /// The procedure actually called: from the details for pattern registrations, else the
    /// registered procedure.
    pub procedure: String,
    /// Values that middleware layers put here for the handler (see
    /// [`crate::typed::middleware`]); a typed method reads them from its `Context`.
    pub extensions: http::Extensions,
    pub(crate) inputs: Option<Inputs>,
    pub(crate) request: Id,
    pub(crate) connection: u64,
    pub(crate) commands: mpsc::Sender<Command>,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("procedure", &self.procedure)
            .field("arguments", &self.arguments)
            .field("details", &self.details)
            .finish_non_exhaustive()
    }
}

impl Invocation {
    /// The caller's session ID, when disclosed.
    pub fn caller(&self) -> Option<Id> {
        details::caller(&self.details)
    }

    /// The caller's authid, when disclosed.
    pub fn caller_authid(&self) -> Option<&str> {
        details::caller_authid(&self.details)
    }

    /// The caller's authrole, when disclosed.
    pub fn caller_authrole(&self) -> Option<&str> {
        details::caller_authrole(&self.details)
    }

    /// Whether this is a progressive call invocation: the caller sends more arguments, which
    /// [`Invocation::inputs`] gives.
    pub fn is_progressive(&self) -> bool {
        self.details.get(keys::PROGRESS) == Some(&Value::Bool(true))
    }

    /// The further argument chunks of a progressive call invocation (the first chunk is
    /// [`Invocation::arguments`]); `None` for an ordinary call, or once taken. The handler may
    /// answer (and so end the call) before the last chunk: later chunks are discarded.
    pub fn inputs(&mut self) -> Option<Inputs> {
        self.inputs.take()
    }

    /// Whether the caller asked for progressive results.
    pub fn receive_progress(&self) -> bool {
        self.details.get(keys::RECEIVE_PROGRESS) == Some(&Value::Bool(true))
    }

    /// The timeout the dealer forwarded, if any.
    pub fn timeout(&self) -> Option<Duration> {
        details::timeout(&self.details)
    }

    /// Decodes the first positional argument.
    pub fn value<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_value()
    }

    /// Decodes all positional arguments as a tuple, `Vec` or struct.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_args()
    }

    /// Decodes the keyword arguments as a struct or map.
    pub fn kwargs<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_kwargs()
    }

    /// Sends a progressive result (YIELD with `progress = true`). Fails when the caller did not
    /// ask for progressive results.
    pub async fn progress(&self, arguments: Arguments) -> Result<(), Error> {
        if !self.receive_progress() {
            return Err(Error::NotSent(
                "the caller did not ask for progressive results".into(),
            ));
        }
        self.commands
            .send(Command::InvocationProgress {
                connection: self.connection,
                request: self.request,
                arguments,
            })
            .await
            .map_err(|_| Error::SessionClosed(crate::error::CloseReason::ConnectionLost))
    }
}

/// Reading INVOCATION details, shared by [`Invocation`] and the typed services' `Context`.
pub(crate) mod details {
    use std::time::Duration;

    use crate::message::{keys, Id};
    use crate::value::{as_u64, Dict, Value};

    pub(crate) fn caller(details: &Dict) -> Option<Id> {
        details.get(keys::CALLER).and_then(as_u64)
    }

    pub(crate) fn caller_authid(details: &Dict) -> Option<&str> {
        details.get(keys::CALLER_AUTHID).and_then(Value::as_text)
    }

    pub(crate) fn caller_authrole(details: &Dict) -> Option<&str> {
        details.get(keys::CALLER_AUTHROLE).and_then(Value::as_text)
    }

    pub(crate) fn timeout(details: &Dict) -> Option<Duration> {
        details
            .get(keys::TIMEOUT)
            .and_then(as_u64)
            .filter(|t| *t > 0)
            .map(Duration::from_millis)
    }
}

/// Why a registration ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationEnd {
    /// This client unregistered it.
    Unregistered,
    /// The router revoked it.
    Revoked {
        /// The router's reason, if given.
        reason: String,
    },
    /// The session closed.
    SessionClosed(crate::error::CloseReason),
    /// After a reconnect the router refused to register the procedure again.
    NotRestored {
        /// What the router answered.
        reason: String,
    },
}

/// The driver's side of one registration: what it takes to register it again after a reconnect.
pub(crate) struct LocalRegistration {
    pub(crate) local: u64,
    pub(crate) procedure: String,
    pub(crate) options: Dict,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) end: watch::Sender<Option<RegistrationEnd>>,
    /// The router's current registration ID, which the handle reads.
    pub(crate) id: Arc<AtomicU64>,
}

/// A REGISTER being built; `.await` it for the [`Registration`].
#[must_use = "a registration does nothing until awaited"]
pub struct RegisterBuilder {
    session: Session,
    procedure: String,
    handler: Arc<dyn Handler>,
    options: Dict,
    policy: MatchPolicy,
}

impl std::fmt::Debug for RegisterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterBuilder")
            .field("procedure", &self.procedure)
            .field("options", &self.options)
            .finish()
    }
}

impl RegisterBuilder {
    pub(crate) fn new(session: Session, procedure: String, handler: Arc<dyn Handler>) -> Self {
        Self {
            session,
            procedure,
            handler,
            options: Dict::new(),
            policy: MatchPolicy::Exact,
        }
    }

    /// How the procedure is matched: exact (default), prefix or wildcard.
    pub fn match_policy(mut self, policy: MatchPolicy) -> Self {
        self.policy = policy;
        super::set_match(&mut self.options, policy);
        self
    }

    /// Shares the registration with other callees under `policy`. `single` is the default and
    /// is left out of REGISTER, so that it needs no `shared_registration` from the dealer
    /// (routers that do not announce it, fox-wamp and wamp.rt among them, serve it).
    pub fn invoke(mut self, policy: InvokePolicy) -> Self {
        if policy == InvokePolicy::Single {
            self.options.remove(keys::INVOKE);
        } else {
            set(&mut self.options, keys::INVOKE, policy.name());
        }
        self
    }

    /// Asks the dealer to disclose every caller's identity to this callee.
    pub fn disclose_caller(mut self) -> Self {
        set(&mut self.options, keys::DISCLOSE_CALLER, true);
        self
    }

    /// Sets any register option by name.
    pub fn option(mut self, key: &str, value: impl Into<Value>) -> Self {
        set(&mut self.options, key, value);
        self
    }
}

impl IntoFuture for RegisterBuilder {
    type Output = Result<Registration, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            self.session.check_uri(&self.procedure, self.policy)?;
            self.session
                .require_options(Role::Dealer, &self.options, super::needs::REGISTER)?;
            let (end_tx, end_rx) = watch::channel(None);
            let (tx, rx) = oneshot::channel();
            let local = self.session.next_key();
            let id = Arc::new(AtomicU64::new(0));
            self.session
                .send(Command::Register {
                    local: LocalRegistration {
                        local,
                        procedure: self.procedure.clone(),
                        options: self.options,
                        handler: self.handler,
                        end: end_tx,
                        id: id.clone(),
                    },
                    reply: tx,
                })
                .await?;
            self.session.answer(rx).await?;
            Ok(Registration {
                session: self.session,
                local,
                id,
                procedure: self.procedure,
                end: end_rx,
                active: true,
            })
        })
    }
}

/// A live registration. Like a [`Subscription`](super::Subscription) and a typed service's
/// `ServiceHandle`, dropping it unregisters (in the background); [`Registration::unregister`]
/// does so and waits for the router. [`Registration::keep`] gives the handle up and leaves the
/// procedure registered for the rest of the session (across reconnects too). Revocation by the
/// router or the end of the session also end it ([`Registration::ended`]).
#[must_use = "dropping a Registration unregisters the procedure: hold it, or call `.keep()`"]
pub struct Registration {
    session: Session,
    local: u64,
    id: Arc<AtomicU64>,
    procedure: String,
    end: watch::Receiver<Option<RegistrationEnd>>,
    /// Whether dropping the handle unregisters (false once unregistered or kept).
    active: bool,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.active {
            self.active = false;
            let (reply, _) = oneshot::channel();
            super::send_in_background(
                self.session.commands(),
                Command::Unregister {
                    local: self.local,
                    reply,
                },
            );
        }
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("id", &self.id())
            .field("procedure", &self.procedure)
            .finish()
    }
}

impl Registration {
    /// The router's registration ID (a new one after each reconnect).
    pub fn id(&self) -> Id {
        self.id.load(Ordering::Relaxed)
    }

    /// The procedure (or pattern) registered.
    pub fn procedure(&self) -> &str {
        &self.procedure
    }

    /// Unregisters and waits for the router's confirmation.
    pub async fn unregister(mut self) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        self.session
            .send(Command::Unregister {
                local: self.local,
                reply: tx,
            })
            .await?;
        // Sent: dropping the handle from now on (even if this future is dropped while it waits
        // for the router) must not send a second UNREGISTER.
        self.active = false;
        self.session.answer(rx).await
    }

    /// Gives the handle up: the procedure stays registered until the session ends (it is
    /// registered again after each reconnect) or the router revokes it.
    pub fn keep(mut self) {
        self.active = false;
    }

    /// Waits until the registration ends (revoked by the router, or the session closed).
    pub async fn ended(&self) -> RegistrationEnd {
        let mut rx = self.end.clone();
        loop {
            if let Some(end) = rx.borrow_and_update().clone() {
                return end;
            }
            if rx.changed().await.is_err() {
                return rx
                    .borrow()
                    .clone()
                    .unwrap_or(RegistrationEnd::SessionClosed(
                        crate::error::CloseReason::ConnectionLost,
                    ));
            }
        }
    }
}
