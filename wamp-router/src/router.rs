//! [`Router`] and its builder: realms, listeners, in-process connections, shutdown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use wamp_core::message::uris;
use wamp_core::transport::memory::{self, MemoryTransport};
use wamp_core::transport::{BoxTransport, TransportError};
use wamp_core::{Client, Dict, Session, Value};

pub use crate::error::RouterError;
use crate::listener::{self, Bound, Listener};
use crate::metrics::Metrics;
use crate::realm::{Realm, RealmConfig, RealmStats};
use crate::shared::Shared;

/// Builds a [`Router`].
#[derive(Debug)]
pub struct RouterBuilder {
    realms: Vec<RealmConfig>,
    listeners: Vec<Listener>,
    outbound_queue: usize,
    outbound_bytes: usize,
    handshake_timeout: Duration,
    metrics: bool,
}

/// The default bound of each session's outbound queue, in messages: the client's default
/// `max_pending_calls`, so that a healthy session answered for a full burst of calls (or told
/// that its callee left) is never mistaken for a slow consumer. The queue allocates as it fills,
/// so an idle session pays nothing for the bound.
pub const DEFAULT_OUTBOUND_QUEUE: usize = 65_536;

/// The default bound of each session's outbound queue, in bytes (64 MiB): a session that stops
/// reading holds at most this much of the router's memory, however large its messages.
pub const DEFAULT_OUTBOUND_BYTES: usize = 64 << 20;

impl RouterBuilder {
    /// Adds an open realm: anonymous clients may do everything ([`RealmConfig::anonymous`]).
    pub fn realm(self, name: impl Into<String>) -> Self {
        self.realm_config(RealmConfig::anonymous(name))
    }

    /// Adds a realm with its own authentication and roles.
    pub fn realm_config(mut self, config: RealmConfig) -> Self {
        self.realms.push(config);
        self
    }

    /// Adds a listener (WebSocket, RawSocket TCP or Unix, optionally TLS).
    pub fn listener(mut self, listener: Listener) -> Self {
        self.listeners.push(listener);
        self
    }

    /// Bounds each session's outbound queue, in messages (default
    /// [`DEFAULT_OUTBOUND_QUEUE`]).
    ///
    /// **Slow consumer policy.** The router never waits for one session to deliver to another:
    /// it queues. When a session's queue is full (it reads more slowly than it is sent to), the
    /// router logs a warning and ends that session with ABORT
    /// [`SLOW_CONSUMER`](crate::SLOW_CONSUMER); its registrations and subscriptions are removed
    /// as for any session that leaves. Every other session goes on. The memory a session can
    /// hold is therefore at most this many messages (each at most the listener's maximum size).
    pub fn outbound_queue(mut self, messages: usize) -> Self {
        self.outbound_queue = messages.max(1);
        self
    }

    /// Bounds each session's outbound queue in bytes as well (default
    /// [`DEFAULT_OUTBOUND_BYTES`]), as estimated by `Message::weight`: a session that does not
    /// keep up is a slow consumer when either bound is reached, whichever comes first.
    pub fn outbound_bytes(mut self, bytes: usize) -> Self {
        self.outbound_bytes = bytes.max(1);
        self
    }

    /// How long a client may take from connecting to WELCOME (10 s by default).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Counts messages, calls, errors and call latency per procedure, for
    /// [`Router::metrics`] (off by default: counting costs a little per message). A listener
    /// with [`Listener::metrics`] turns it on too.
    pub fn metrics(mut self) -> Self {
        self.metrics = true;
        self
    }

    /// Starts the listeners and answers the running router.
    pub async fn start(self) -> Result<Router, RouterError> {
        if self.realms.is_empty() {
            return Err(RouterError::Config("no realm configured".into()));
        }
        let mut realms = HashMap::new();
        for config in self.realms {
            let name = config.name.clone();
            if realms.insert(name.clone(), Realm::new(config)).is_some() {
                return Err(RouterError::Config(format!(
                    "realm {name:?} configured twice"
                )));
            }
        }
        if let Some(l) = self.listeners.iter().find(|l| {
            (l.serves_http() || l.cookie_config().is_some())
                && l.protocol != crate::Protocol::WebSocket
        }) {
            return Err(RouterError::Config(format!(
                "static files, metrics, the explorer and cookies are HTTP: {l:?} is no WebSocket \
                 listener"
            )));
        }
        let metrics = (self.metrics || self.listeners.iter().any(Listener::serves_metrics))
            .then(|| Arc::new(Metrics::new(realms.keys().map(String::as_str))));
        let shared = Arc::new_cyclic(|me| Shared {
            me: me.clone(),
            realms,
            metrics,
            services: Default::default(),
            cookies: Default::default(),
            outbound_queue: self.outbound_queue,
            outbound_bytes: self.outbound_bytes,
            handshake_timeout: self.handshake_timeout,
        });
        for realm in shared.realms.values() {
            realm.attach(crate::calls::RouterCalls::new(&shared));
        }
        let (stop, stopped) = watch::channel(false);
        let mut bound = Vec::new();
        for l in self.listeners {
            match listener::start(l, shared.clone(), stopped.clone()).await {
                Ok(b) => {
                    tracing::info!(url = %b.url, "listening");
                    bound.push(b);
                }
                Err(e) => {
                    let _ = stop.send(true);
                    return Err(e);
                }
            }
        }
        Ok(Router {
            inner: Arc::new(Inner {
                shared,
                bound,
                stop,
            }),
        })
    }
}

/// Waits until `count` is zero or `limit` has passed; answers the count then.
async fn settled(limit: Duration, count: impl Fn() -> usize) -> usize {
    let deadline = tokio::time::Instant::now() + limit;
    while count() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    count()
}

/// What a [`Router::reload`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reloaded {
    /// Realms whose principals and roles were replaced.
    pub realms: usize,
    /// Sessions the new configuration no longer admits, ended.
    pub sessions_ended: usize,
    /// Realms in the new configuration that this router does not run (a restart adds them).
    pub unknown_realms: Vec<String>,
}

/// How a graceful shutdown went ([`Router::shutdown_gracefully`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shutdown {
    /// Calls still in flight when the drain time was over (their callers were disconnected).
    pub abandoned_calls: usize,
    /// Sessions that had not gone a second after their GOODBYE (their connections are closed
    /// as the router's last handle goes).
    pub lingering_sessions: usize,
}

struct Inner {
    shared: Arc<Shared>,
    bound: Vec<Bound>,
    stop: watch::Sender<bool>,
}

impl Drop for Inner {
    // The last handle is gone: nobody can reach this router again, so it ends as `shutdown`
    // does. Sessions left running would form a second system beside a new router on the same
    // address (they would call each other, and a new router's sessions would not see them).
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for realm in self.shared.realms.values() {
            realm.close_all(uris::SYSTEM_SHUTDOWN);
        }
    }
}

/// A running WAMP router. Cheap to clone; when the last clone is dropped, or on
/// [`shutdown`](Router::shutdown), the listeners stop and every session ends with GOODBYE
/// `wamp.close.system_shutdown`.
///
/// ```
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use wamp_router::{Listener, Router};
///
/// let router = Router::builder()
///     .realm("realm1")
///     .listener(Listener::websocket("127.0.0.1:0"))
///     .start()
///     .await?;
/// println!("clients connect to {}", router.endpoints()[0].url);
/// let session = router.connect("realm1").await?; // in-process, no socket
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field(
                "realms",
                &self.inner.shared.realms.keys().collect::<Vec<_>>(),
            )
            .field("endpoints", &self.inner.bound)
            .finish()
    }
}

impl Router {
    /// A builder with no realm and no listener.
    pub fn builder() -> RouterBuilder {
        RouterBuilder {
            realms: Vec::new(),
            listeners: Vec::new(),
            outbound_queue: DEFAULT_OUTBOUND_QUEUE,
            outbound_bytes: DEFAULT_OUTBOUND_BYTES,
            handshake_timeout: Duration::from_secs(10),
            metrics: false,
        }
    }

    /// The listeners' endpoints, in the order they were added.
    pub fn endpoints(&self) -> &[Bound] {
        &self.inner.bound
    }

    /// The URL of the first listener of the given protocol.
    pub fn url(&self, protocol: crate::Protocol) -> Option<&str> {
        self.inner
            .bound
            .iter()
            .find(|b| b.protocol == protocol)
            .map(|b| b.url.as_str())
    }

    /// Serves a client over any transport (the router runs the opening handshake on it).
    pub fn serve(&self, transport: BoxTransport, transport_info: Dict) {
        tokio::spawn(crate::connection::serve(
            self.inner.shared.clone(),
            transport,
            transport_info,
            None,
        ));
    }

    /// An in-process connection: messages pass as values, with no socket and no serialization.
    /// Join over it with [`Client::join`].
    pub fn local_transport(&self) -> MemoryTransport {
        let (client, router_end) = memory::pair(self.inner.shared.outbound_queue);
        let mut info = Dict::new();
        info.insert("type".into(), Value::Text("memory".into()));
        self.serve(Box::new(router_end), info);
        client
    }

    /// Joins `realm` anonymously over an in-process connection.
    pub async fn connect(&self, realm: &str) -> Result<Session, wamp_core::Error> {
        self.connect_with(Client::for_realm(realm)).await
    }

    /// Joins over an in-process connection as `client` says: its realm, authentication and
    /// session options (timeouts, reconnect policy). With a reconnect policy, a lost connection
    /// is opened again on this router while it runs; the session does not keep the router
    /// alive.
    ///
    /// ```no_run
    /// # async fn demo(router: wamp_router::Router) -> Result<(), wamp_core::Error> {
    /// use wamp_core::Client;
    /// let alice = router
    ///     .connect_with(Client::for_realm("realm1").authid("alice").ticket("s3cret"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(&self, client: Client) -> Result<Session, wamp_core::Error> {
        let router = Arc::downgrade(&self.inner);
        client
            .dial(move || {
                let transport = router
                    .upgrade()
                    .map(|inner| Router { inner }.local_transport());
                async move {
                    match transport {
                        Some(t) => Ok(Box::new(t) as BoxTransport),
                        None => Err(TransportError::Io(std::io::Error::new(
                            std::io::ErrorKind::NotConnected,
                            "the embedded router is gone",
                        ))),
                    }
                }
            })
            .connect()
            .await
    }

    /// The router's metrics now, in the OpenMetrics text format (what a listener with
    /// [`Listener::metrics`] serves at `/metrics`); `None` unless metrics are on
    /// ([`RouterBuilder::metrics`]). What is measured: [`crate::metrics`].
    pub fn metrics(&self) -> Option<String> {
        let shared = &self.inner.shared;
        Some(shared.metrics.as_ref()?.encode(&shared.realms))
    }

    /// Replaces the principals, roles and authorizers of running realms with those of
    /// `realms` (by name), as the binary does on SIGHUP: new sessions authenticate and are
    /// authorized by the new configuration at once; a session joined before stays unless the
    /// new configuration no longer admits it (its role is gone, its authmethod is no longer
    /// offered, or its principal is gone or has another role), which ends it with GOODBYE
    /// `wamp.close.killed`. A changed ticket or key does not end a session that joined with
    /// the old one. Everything else (listeners, limits, which realms exist) needs a restart:
    /// a realm this router does not run is answered in [`Reloaded::unknown_realms`].
    pub fn reload(&self, realms: impl IntoIterator<Item = RealmConfig>) -> Reloaded {
        let mut reloaded = Reloaded::default();
        for config in realms {
            match self.inner.shared.realms.get(config.name()) {
                Some(realm) => {
                    reloaded.sessions_ended += realm.reload(&config);
                    reloaded.realms += 1;
                }
                None => reloaded.unknown_realms.push(config.name().to_owned()),
            }
        }
        reloaded
    }

    /// What a realm holds now (`None` if there is no such realm).
    pub fn stats(&self, realm: &str) -> Option<RealmStats> {
        self.inner.shared.realms.get(realm).map(|r| r.stats())
    }

    /// Stops accepting connections and ends every session with GOODBYE
    /// `wamp.close.system_shutdown` at once (see [`Router::shutdown_gracefully`]).
    pub fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        for realm in self.inner.shared.realms.values() {
            realm.close_all(uris::SYSTEM_SHUTDOWN);
        }
    }

    /// Shuts down gracefully: stops accepting connections; refuses new calls with
    /// `wamp_rs.error.shutting_down` while the calls in flight finish, for up to `drain`; then
    /// ends every session with GOODBYE `wamp.close.system_shutdown` (clients with a reconnect
    /// policy take that as "come back", to this address or another), and waits up to a second
    /// for them to go. A call still running when `drain` is over fails at its caller, who is
    /// disconnected. Answers how it went.
    pub async fn shutdown_gracefully(&self, drain: Duration) -> Shutdown {
        let _ = self.inner.stop.send(true);
        let realms = || self.inner.shared.realms.values();
        for realm in realms() {
            realm.drain();
        }
        let pending = || realms().map(|r| r.stats().pending_calls).sum::<usize>();
        let abandoned_calls = settled(drain, pending).await;
        for realm in realms() {
            realm.close_all(uris::SYSTEM_SHUTDOWN);
        }
        let sessions = || realms().map(|r| r.stats().sessions).sum::<usize>();
        let lingering_sessions = settled(Duration::from_secs(1), sessions).await;
        Shutdown {
            abandoned_calls,
            lingering_sessions,
        }
    }
}
