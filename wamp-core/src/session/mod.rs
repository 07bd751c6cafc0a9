//! The client session: join a realm, then call, register, publish and subscribe.
//!
//! A [`Session`] is a cheap-to-clone handle. One spawned task (the driver) owns the transport and
//! the tables of pending requests, subscriptions, registrations and running invocations; handles
//! talk to it over a bounded channel, so no lock is ever held across an `.await` and a flood of
//! requests meets back-pressure instead of growing memory.
//!
//! With a [`ReconnectPolicy`] the driver outlives its connection: when the connection is lost it
//! fails the calls in flight with [`Error::Disconnected`], connects and joins again, registers
//! and subscribes everything again, and the same handles, subscription streams and typed
//! services go on working. [`Session::state`] and [`Session::events`] tell what it is doing.
//!
//! Every queue is bounded: the command channel (1,024 requests), each subscription's events and
//! each progressive call's results ([`SessionConfig::event_buffer`]: a consumer that falls behind
//! loses the newest items and is told how many), the calls in flight
//! ([`SessionConfig::max_pending_calls`]), the invocations running at once
//! ([`SessionConfig::max_concurrent_invocations`]: more are refused with `wamp.error.unavailable`
//! so the dealer may reroute them) and the requests waiting for a reconnect.

/// The builder methods shared by calls and publications: arguments and named options. The
/// builder needs `arguments: Result<Arguments, ValueError>` and `options: Dict` fields.
macro_rules! payload_methods {
    ($what:literal) => {
        #[doc = concat!("Positional arguments of the ", $what, ": a tuple, array or `Vec` of serializable values.")]
        pub fn args<T: serde::Serialize + ?Sized>(mut self, args: &T) -> Self {
            self.arguments = self
                .arguments
                .and_then(|a| Ok(Arguments { args: crate::value::to_args(args)?, ..a }));
            self
        }

        #[doc = concat!("Keyword arguments of the ", $what, ": a serializable struct or map.")]
        pub fn kwargs<T: serde::Serialize + ?Sized>(mut self, kwargs: &T) -> Self {
            self.arguments = self
                .arguments
                .and_then(|a| Ok(Arguments { kwargs: crate::value::to_kwargs(kwargs)?, ..a }));
            self
        }

        #[doc = concat!("Ready-made arguments of the ", $what, ".")]
        pub fn arguments(mut self, arguments: Arguments) -> Self {
            self.arguments = Ok(arguments);
            self
        }

        #[doc = concat!("Sends the ", $what, " in Payload Passthru Mode: these bytes, which the router forwards without looking inside, in place of any arguments. The router must announce the payload's dialect (`payload_passthru_mode` or `payload_transparency`).")]
        pub fn passthru(mut self, payload: crate::message::Passthru) -> Self {
            self.passthru = Some(payload);
            self
        }

        #[doc = concat!("Requires end-to-end encryption: the ", $what, " fails with [`Error::NoKey`](crate::Error::NoKey) rather than go out in the clear when the session's key ring has no key for its URI. (With a key, it is sealed whether or not this is asked.)")]
        pub fn encrypted(mut self) -> Self {
            self.encrypted = true;
            self
        }

        #[doc = concat!("Sets any option of the ", $what, " by name, as the spec names it.")]
        pub fn option(mut self, key: &str, value: impl Into<Value>) -> Self {
            super::set(&mut self.options, key, value);
            self
        }
    };
}

mod call;
mod client;
mod connector;
mod driver;
mod history;
mod inputs;
mod join;
mod publish;
mod register;
mod state;
mod subscribe;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// The option values that calls and registrations take (defined in [`crate::message`]).
pub use crate::message::{CancelMode, InvokePolicy};
pub use call::{CallBuilder, CallResult, CallStream, ProgressiveCall};
pub use client::Client;
pub use inputs::{Inputs, InvocationInput};
pub use publish::PublishBuilder;
pub(crate) use register::details as register_details;
pub use register::{
    Handler, HandlerResult, Invocation, RegisterBuilder, Registration, RegistrationEnd, Reply,
    ReplyHandler,
};
pub use state::{
    ReconnectPolicy, RestoreFailure, RestoreReport, SessionEvent, SessionEvents, SessionState,
};
pub use subscribe::{Event, SubscribeBuilder, Subscription, SubscriptionError};

use crate::error::{CloseReason, Error, WampError};
use crate::message::{keys, Arguments, Id, Payload};
use crate::serializer::Serializer;
use crate::uri::{self, MatchPolicy, UriCheck};
use crate::value::{Dict, Value};

/// Settings of a session once joined.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Which URI rule the client checks its own URIs against before sending.
    pub uri_check: UriCheck,
    /// How many events each subscription (and progressive results each call stream) buffers
    /// before it drops the newest and reports how many it dropped.
    pub event_buffer: usize,
    /// How long joining (HELLO to WELCOME, authentication included) may take.
    pub join_timeout: Duration,
    /// How long to wait for the router's GOODBYE when leaving.
    pub goodbye_timeout: Duration,
    /// The most calls in flight at once; more fail with [`Error::TooManyPendingCalls`].
    pub max_pending_calls: usize,
    /// The most invocations running at once; more are answered with `wamp.error.unavailable`.
    pub max_concurrent_invocations: usize,
    /// Whether and how a lost connection is retried (`None`: the session closes).
    pub reconnect: Option<ReconnectPolicy>,
    /// End-to-end encryption keys ([`crate::cryptobox`]): calls and publications to the URIs
    /// they cover are sealed, and sealed payloads that arrive are opened (`None`: payloads are
    /// sent as they are, and sealed ones arrive as [`Passthru`](crate::message::Passthru)).
    pub key_ring: Option<std::sync::Arc<crate::cryptobox::KeyRing>>,
    /// Also carry the trace context in CALL and PUBLISH `kwargs`, for routers that strip the
    /// options (see [`crate::trace`]; default off).
    pub trace_in_payload: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            uri_check: UriCheck::Loose,
            event_buffer: 1024,
            join_timeout: Duration::from_secs(30),
            goodbye_timeout: Duration::from_secs(5),
            max_pending_calls: 65_536,
            max_concurrent_invocations: 4096,
            reconnect: None,
            key_ring: None,
            trace_in_payload: false,
        }
    }
}

/// How many requests from a session's handles (calls, publications, subscriptions...) wait for
/// its driver at most; a request made when the queue is full waits for room, so a driver that
/// cannot write (a peer that stopped reading) holds at most this many.
pub const COMMAND_QUEUE: usize = 1024;

/// What the router said about the session in WELCOME.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The session ID.
    pub id: Id,
    /// The realm joined.
    pub realm: String,
    /// The authenticated identity.
    pub authid: Option<String>,
    /// The role the router assigned.
    pub authrole: Option<String>,
    /// The authentication method used.
    pub authmethod: Option<String>,
    /// Who authenticated the session (for example `static` or `dynamic`).
    pub authprovider: Option<String>,
    /// The negotiated serializer (`None` for in-memory transports).
    pub serializer: Option<Serializer>,
    /// The complete WELCOME details, including the router's `roles` and their features.
    pub details: Dict,
}

impl SessionInfo {
    pub(crate) fn from_welcome(
        id: Id,
        realm: String,
        details: Dict,
        serializer: Option<Serializer>,
    ) -> Self {
        let text = |key: &str| details.get(key).and_then(Value::as_text).map(str::to_owned);
        Self {
            id,
            realm,
            authid: text("authid"),
            authrole: text("authrole"),
            authmethod: text("authmethod"),
            authprovider: text("authprovider"),
            serializer,
            details,
        }
    }

    /// The router's roles (`broker`, `dealer`) with their details.
    pub fn router_roles(&self) -> Vec<&str> {
        match self.details.get(keys::ROLES) {
            Some(Value::Map(roles)) => roles.iter().filter_map(|(k, _)| k.as_text()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the router announces `feature` (for example
    /// [`Feature::ProgressiveCallResults`](crate::message::Feature)) for `role`.
    pub fn router_has(&self, role: crate::message::Role, feature: crate::message::Feature) -> bool {
        crate::message::announces(&self.details, role, feature)
    }
}

/// Where a call's results go.
pub(crate) enum CallReply {
    /// One final result.
    Once(oneshot::Sender<Result<CallResult, Error>>),
    /// Progressive results (bounded; a full buffer drops and counts), then the final one.
    Stream {
        progress: mpsc::Sender<CallResult>,
        lagged: Arc<AtomicU64>,
        last: oneshot::Sender<Result<CallResult, Error>>,
    },
}

impl CallReply {
    /// Whether nobody waits for the result any more.
    pub(crate) fn is_closed(&self) -> bool {
        match self {
            CallReply::Once(tx) => tx.is_closed(),
            CallReply::Stream { last, .. } => last.is_closed(),
        }
    }
}

/// A request from a handle to the driver.
pub(crate) enum Command {
    Call {
        key: u64,
        procedure: String,
        options: Dict,
        payload: Payload,
        reply: CallReply,
        sent: oneshot::Sender<Result<(), Error>>,
    },
    /// A further CALL of a progressive call invocation.
    CallChunk {
        key: u64,
        options: Dict,
        payload: Payload,
        sent: oneshot::Sender<Result<(), Error>>,
    },
    Cancel {
        key: u64,
        mode: CancelMode,
    },
    Publish {
        topic: String,
        options: Dict,
        payload: Payload,
        reply: oneshot::Sender<Result<Option<Id>, Error>>,
    },
    Subscribe {
        topic: String,
        options: Dict,
        local: subscribe::LocalSubscriber,
        reply: oneshot::Sender<Result<Id, Error>>,
    },
    Unsubscribe {
        local: u64,
        reply: Option<oneshot::Sender<Result<(), Error>>>,
    },
    Register {
        local: register::LocalRegistration,
        reply: oneshot::Sender<Result<Id, Error>>,
    },
    Unregister {
        local: u64,
        reply: oneshot::Sender<Result<(), Error>>,
    },
    /// A progressive YIELD from an invocation of connection `connection`.
    InvocationProgress {
        connection: u64,
        request: Id,
        arguments: Arguments,
    },
    /// The outcome of an invocation of connection `connection`.
    InvocationDone {
        connection: u64,
        request: Id,
        outcome: Result<Reply, WampError>,
    },
    Leave {
        reason: String,
        message: Option<String>,
    },
}

/// The state shared by every handle of one session.
struct Shared {
    commands: mpsc::Sender<Command>,
    info: watch::Receiver<Arc<SessionInfo>>,
    state: watch::Receiver<SessionState>,
    events: broadcast::Sender<SessionEvent>,
    config: SessionConfig,
    closed: watch::Receiver<Option<CloseReason>>,
    next_key: AtomicU64,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last handle is gone: close the session politely.
        send_in_background(
            &self.commands,
            Command::Leave {
                reason: crate::error::uris::CLOSE_REALM.into(),
                message: None,
            },
        );
    }
}

/// Sends a command from a context that cannot wait (a `Drop`): at once if the channel has room,
/// else from a spawned task. A closed session needs nothing, so failures are ignored.
pub(crate) fn send_in_background(commands: &mpsc::Sender<Command>, command: Command) {
    match commands.try_send(command) {
        Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
        Err(mpsc::error::TrySendError::Full(command)) => {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let commands = commands.clone();
                runtime.spawn(async move {
                    let _ = commands.send(command).await;
                });
            }
        }
    }
}

/// A joined WAMP session. Cheap to clone; every clone drives the same session.
///
/// Dropping the last clone (and every subscription holding one) leaves the realm with GOODBYE.
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let info = self.info();
        f.debug_struct("Session")
            .field("id", &info.id)
            .field("realm", &info.realm)
            .finish()
    }
}

impl Session {
    /// What the router said in the latest WELCOME: session ID, authid, authrole, the router's
    /// features. After a reconnect this is the new connection's.
    pub fn info(&self) -> Arc<SessionInfo> {
        self.shared.info.borrow().clone()
    }

    /// The session ID (a new one after each reconnect).
    pub fn id(&self) -> Id {
        self.shared.info.borrow().id
    }

    /// What the connection is doing now, as a watch channel: await `changed()` on it to follow
    /// joins, losses, attempts and the final close.
    pub fn state(&self) -> watch::Receiver<SessionState> {
        self.shared.state.clone()
    }

    /// Every state change, failed attempt and restore from now on, in order.
    pub fn events(&self) -> SessionEvents {
        SessionEvents {
            rx: self.shared.events.subscribe(),
            ended: self.is_closed(),
        }
    }

    /// Requests from this session's handles waiting for its driver (at most
    /// [`COMMAND_QUEUE`]; a request made when the queue is full waits for room).
    pub fn queued_commands(&self) -> usize {
        self.shared.commands.max_capacity() - self.shared.commands.capacity()
    }

    /// Whether the session has ended.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.borrow().is_some()
    }

    /// Waits until the session ends, and tells why.
    pub async fn closed(&self) -> CloseReason {
        wait_set(self.shared.closed.clone(), CloseReason::ConnectionLost).await
    }

    /// Leaves the realm: sends GOODBYE (`wamp.close.close_realm`), waits for the router's GOODBYE
    /// (at most the configured goodbye timeout), closes the transport, and tells how it ended.
    pub async fn leave(&self) -> CloseReason {
        self.leave_with(crate::error::uris::CLOSE_REALM, None).await
    }

    /// Leaves the realm with a reason URI and a message.
    pub async fn leave_with(&self, reason: &str, message: Option<&str>) -> CloseReason {
        let command = Command::Leave {
            reason: reason.to_owned(),
            message: message.map(str::to_owned),
        };
        if self.shared.commands.send(command).await.is_err() {
            return self.closed_reason();
        }
        self.closed().await
    }

    /// Calls `procedure`. Set arguments and options on the builder, then `.await` it.
    ///
    /// ```no_run
    /// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::Error> {
    /// let sum: i64 = session.call("com.example.add").args(&(2, 3)).await?.value()?;
    /// # Ok(()) }
    /// ```
    pub fn call(&self, procedure: impl Into<String>) -> CallBuilder {
        CallBuilder::new(self.clone(), procedure.into())
    }

    /// Registers `handler` for `procedure`. Set options on the builder, then `.await` it.
    pub fn register<H: Handler>(
        &self,
        procedure: impl Into<String>,
        handler: H,
    ) -> RegisterBuilder {
        RegisterBuilder::new(self.clone(), procedure.into(), Arc::new(handler))
    }

    /// Registers a handler already shared (the typed services' glue).
    pub(crate) fn register_shared(
        &self,
        procedure: impl Into<String>,
        handler: Arc<dyn Handler>,
    ) -> RegisterBuilder {
        RegisterBuilder::new(self.clone(), procedure.into(), handler)
    }

    /// Publishes an event to `topic`. Set the payload and options on the builder, then `.await` it.
    pub fn publish(&self, topic: impl Into<String>) -> PublishBuilder {
        PublishBuilder::new(self.clone(), topic.into())
    }

    /// Subscribes to `topic`. Set options on the builder, then `.await` it for a stream of events.
    pub fn subscribe(&self, topic: impl Into<String>) -> SubscribeBuilder {
        SubscribeBuilder::new(self.clone(), topic.into())
    }

    pub(crate) fn next_key(&self) -> u64 {
        self.shared.next_key.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn config(&self) -> &SessionConfig {
        &self.shared.config
    }

    pub(crate) fn commands(&self) -> &mpsc::Sender<Command> {
        &self.shared.commands
    }

    pub(crate) fn closed_reason(&self) -> CloseReason {
        self.shared
            .closed
            .borrow()
            .clone()
            .unwrap_or(CloseReason::ConnectionLost)
    }

    /// Sends a command, or reports the session closed.
    pub(crate) async fn send(&self, command: Command) -> Result<(), Error> {
        self.shared
            .commands
            .send(command)
            .await
            .map_err(|_| Error::SessionClosed(self.closed_reason()))
    }

    /// Waits for the driver's answer to a command.
    pub(crate) async fn answer<T>(
        &self,
        rx: oneshot::Receiver<Result<T, Error>>,
    ) -> Result<T, Error> {
        rx.await
            .unwrap_or_else(|_| Err(Error::SessionClosed(self.closed_reason())))
    }

    /// Checks a URI this client is about to send.
    pub(crate) fn check_uri(&self, uri: &str, policy: MatchPolicy) -> Result<(), Error> {
        uri::validate(uri, self.shared.config.uri_check, policy).map_err(|problem| {
            Error::InvalidUri {
                uri: uri.to_owned(),
                problem,
            }
        })
    }

    /// Fails unless the router announces, under `role`, every feature that one of `options`
    /// needs (see [`needs`]).
    pub(crate) fn require_options(
        &self,
        role: crate::message::Role,
        options: &Dict,
        needs: &[(&str, crate::message::Feature)],
    ) -> Result<(), Error> {
        for (key, feature) in needs {
            if options.contains_key(*key) {
                self.require(role, *feature)?;
            }
        }
        Ok(())
    }

    /// Fails unless the router announces `feature` for `role`.
    pub(crate) fn require(
        &self,
        role: crate::message::Role,
        feature: crate::message::Feature,
    ) -> Result<(), Error> {
        if self.info().router_has(role, feature) {
            Ok(())
        } else {
            Err(Error::Unsupported { role, feature })
        }
    }
}

/// The options of a request that only work when the router announces a feature: a client that
/// sends one anyway would wait for what never comes (or get what it did not ask for), so it
/// fails first with [`Error::Unsupported`].
pub(crate) mod needs {
    use crate::message::{keys, Feature};

    /// CALL options (the dealer's features). `timeout` is not here: this client enforces it
    /// itself, and Crossbar.io implements it without announcing `call_timeout`.
    pub(crate) const CALL: &[(&str, Feature)] = &[
        (keys::DISCLOSE_ME, Feature::CallerIdentification),
        (keys::RECEIVE_PROGRESS, Feature::ProgressiveCallResults),
        (keys::PROGRESS, Feature::ProgressiveCallInvocations),
    ];
    /// REGISTER options (the dealer's features).
    pub(crate) const REGISTER: &[(&str, Feature)] = &[
        (keys::MATCH, Feature::PatternBasedRegistration),
        (keys::INVOKE, Feature::SharedRegistration),
        (keys::DISCLOSE_CALLER, Feature::CallerIdentification),
    ];
    /// PUBLISH options (the broker's features).
    pub(crate) const PUBLISH: &[(&str, Feature)] = &[
        (keys::EXCLUDE_ME, Feature::PublisherExclusion),
        (keys::EXCLUDE, Feature::SubscriberBlackwhiteListing),
        (keys::EXCLUDE_AUTHID, Feature::SubscriberBlackwhiteListing),
        (keys::EXCLUDE_AUTHROLE, Feature::SubscriberBlackwhiteListing),
        (keys::ELIGIBLE, Feature::SubscriberBlackwhiteListing),
        (keys::ELIGIBLE_AUTHID, Feature::SubscriberBlackwhiteListing),
        (
            keys::ELIGIBLE_AUTHROLE,
            Feature::SubscriberBlackwhiteListing,
        ),
        (keys::DISCLOSE_ME, Feature::PublisherIdentification),
        (keys::RETAIN, Feature::EventRetention),
    ];
    /// SUBSCRIBE options (the broker's features).
    pub(crate) const SUBSCRIBE: &[(&str, Feature)] = &[
        (keys::MATCH, Feature::PatternBasedSubscription),
        (keys::GET_RETAINED, Feature::EventRetention),
    ];
}

/// Waits until a watched value is set; `gone` if its sender is dropped unset.
pub(crate) async fn wait_set<T: Clone>(mut rx: watch::Receiver<Option<T>>, gone: T) -> T {
    loop {
        if let Some(value) = rx.borrow_and_update().clone() {
            return value;
        }
        if rx.changed().await.is_err() {
            return rx.borrow().clone().unwrap_or(gone);
        }
    }
}

/// Sets the `match` option for a policy (exact is the default and is omitted).
pub(crate) fn set_match(options: &mut Dict, policy: MatchPolicy) {
    match policy.as_option() {
        Some(m) => set(options, keys::MATCH, m),
        None => {
            options.remove(keys::MATCH);
        }
    }
}

/// Sets `key` to `value` in an options dict.
pub(crate) fn set(options: &mut Dict, key: &str, value: impl Into<Value>) {
    options.insert(key.to_owned(), value.into());
}

/// A list of IDs or strings as a dict value.
pub(crate) fn list<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(items.into_iter().map(Into::into).collect())
}
