//! The entry point: a [`Client`] describes how to reach a router and join a realm.

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tracing::Instrument as _;

use super::connector::{Connector, Dial, Target};
use super::driver::Driver;
use super::join::{Credential, JoinRequest};
use super::state::{ReconnectPolicy, SessionState};
use super::{Session, SessionConfig, Shared};
#[cfg(feature = "cryptosign")]
use crate::auth::Cryptosign;
#[cfg(feature = "scram")]
use crate::auth::ScramFlavor;
use crate::auth::{Authenticator, KdfLimits, Ticket, WampCra};
use crate::error::Error;
use crate::serializer::Serializer;
#[cfg(feature = "tls")]
use crate::transport::TlsConfig;
use crate::transport::{BoxTransport, CookieJar, Keepalive, TransportConfig, TransportError};
use crate::uri::UriCheck;
use crate::value::{Dict, Value};

/// How to connect to a router and join a realm.
///
/// ```no_run
/// # async fn demo() -> Result<(), wamp_core::Error> {
/// let session = wamp_core::Client::new("ws://127.0.0.1:8080/ws", "realm1")
///     .authid("alice")
///     .ticket("secret")
///     .connect()
///     .await?;
/// println!("joined as session {}", session.id());
/// # Ok(()) }
/// ```
pub struct Client {
    url: String,
    realm: String,
    authid: Option<String>,
    authrole: Option<String>,
    authextra: Dict,
    credentials: Vec<Credential>,
    anonymous: bool,
    kdf_limits: KdfLimits,
    transport: TransportConfig,
    session: SessionConfig,
    dial: Option<Dial>,
    testaments: Vec<crate::meta::Testament>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url)
            .field("realm", &self.realm)
            .field("authid", &self.authid)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of `realm` with no URL, for a transport given by [`Client::dial`] or
    /// [`Client::join`] (an embedded router's `connect_with` gives its own).
    pub fn for_realm(realm: impl Into<String>) -> Self {
        Self::new("", realm)
    }

    /// A client for the router at `url` (`ws`, `wss`, `tcp`, `tcps`, `unix`) and `realm`.
    pub fn new(url: impl Into<String>, realm: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            realm: realm.into(),
            authid: None,
            authrole: None,
            authextra: Dict::new(),
            credentials: Vec::new(),
            anonymous: false,
            kdf_limits: KdfLimits::default(),
            transport: TransportConfig::default(),
            session: SessionConfig::default(),
            dial: None,
            testaments: Vec::new(),
        }
    }

    /// The identity to authenticate as.
    pub fn authid(mut self, authid: impl Into<String>) -> Self {
        self.authid = Some(authid.into());
        self
    }

    /// The role to ask for (routers may ignore it).
    pub fn authrole(mut self, authrole: impl Into<String>) -> Self {
        self.authrole = Some(authrole.into());
        self
    }

    /// An extra field for `HELLO.Details.authextra`.
    pub fn authextra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.authextra.insert(key.into(), value.into());
        self
    }

    /// Offers ticket authentication.
    pub fn ticket(self, ticket: impl Into<String>) -> Self {
        self.authenticator(Ticket::new(ticket))
    }

    /// Offers WAMP-CRA authentication (plain or salted, as the router's challenge says).
    pub fn wampcra(self, secret: impl Into<String>) -> Self {
        self.authenticator(WampCra::new(secret))
    }

    /// Offers WAMP-SCRAM authentication for the authid, in the flavor Crossbar.io speaks
    /// (cargo feature `scram`).
    #[cfg(feature = "scram")]
    pub fn scram(self, password: impl Into<String>) -> Self {
        self.scram_flavor(password, ScramFlavor::Crossbar)
    }

    /// Offers WAMP-SCRAM authentication in the given flavor (cargo feature `scram`).
    #[cfg(feature = "scram")]
    pub fn scram_flavor(mut self, password: impl Into<String>, flavor: ScramFlavor) -> Self {
        self.credentials.push(Credential::Scram {
            password: password.into(),
            flavor,
            current: None,
        });
        self
    }

    /// Offers WAMP-Cryptosign authentication with an Ed25519 private key seed (cargo feature
    /// `cryptosign`).
    #[cfg(feature = "cryptosign")]
    pub fn cryptosign(self, seed: [u8; 32]) -> Self {
        self.authenticator(Cryptosign::new(seed))
    }

    /// Offers any authenticator, in addition to those already offered.
    pub fn authenticator(mut self, authenticator: impl Authenticator + 'static) -> Self {
        self.credentials
            .push(Credential::Ready(Some(Box::new(authenticator))));
        self
    }

    /// Offers authmethod `tls`: the router knows the client by the TLS client certificate set
    /// with [`TlsConfig::client_certificate_pem`] (`wss://`, `tcps://`).
    #[cfg(feature = "tls")]
    pub fn tls_auth(self) -> Self {
        self.authenticator(crate::auth::TransportAuth::tls())
    }

    /// Offers authmethod `cookie` first: over WebSocket, the client keeps the cookies the
    /// router sets and presents them on later connections (reconnects included); a router with
    /// cookie authentication (Crossbar.io, `wamp-router`'s `RealmConfig::cookie_auth`) then
    /// welcomes the principal that authenticated on that cookie before, with no challenge.
    /// Offer another method too for the first connection. Uses the jar given with
    /// [`cookie_jar`](Self::cookie_jar), else a new one.
    pub fn cookie_auth(mut self) -> Self {
        self.transport.cookies.get_or_insert_with(CookieJar::new);
        let cookie = Credential::Ready(Some(Box::new(crate::auth::TransportAuth::cookie())));
        self.credentials.insert(0, cookie);
        self
    }

    /// Keeps WebSocket cookies in `jar` (shared with its clones: another client given the
    /// same jar presents the same cookies).
    pub fn cookie_jar(mut self, jar: CookieJar) -> Self {
        self.transport.cookies = Some(jar);
        self
    }

    /// Also offers anonymous authentication (implied when no method is offered).
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Uses one serializer (the default offers MessagePack, CBOR and JSON, in that order).
    pub fn serializer(mut self, serializer: Serializer) -> Self {
        self.transport.serializers = vec![serializer];
        self
    }

    /// Offers these serializers in order of preference (RawSocket uses the first).
    pub fn serializers(mut self, serializers: impl IntoIterator<Item = Serializer>) -> Self {
        self.transport.serializers = serializers.into_iter().collect();
        self
    }

    /// The largest message accepted from the router, in bytes (default 16 MiB). A larger one
    /// ends the connection with [`TransportError::MessageTooLarge`]; a message to send that is
    /// larger than the router accepts fails alone with [`Error::NotSent`].
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.transport.max_message_size = bytes;
        self
    }

    /// How long connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// TLS settings for `wss://` and `tcps://` (cargo feature `tls`).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.transport.tls = tls;
        self
    }

    /// The URI rule for this client's own URIs (default: loose).
    pub fn uri_check(mut self, check: UriCheck) -> Self {
        self.session.uri_check = check;
        self
    }

    /// How many events each subscription buffers before reporting a lag.
    pub fn event_buffer(mut self, events: usize) -> Self {
        self.session.event_buffer = events;
        self
    }

    /// How long joining may take.
    pub fn join_timeout(mut self, timeout: Duration) -> Self {
        self.session.join_timeout = timeout;
        self
    }

    /// Reconnects with `policy` when the connection is lost: joins again, registers and
    /// subscribes everything again, and keeps every handle working (see [`ReconnectPolicy`]).
    /// Without it (the default) a lost connection closes the session.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.session.reconnect = Some(policy);
        self
    }

    /// Sends a WebSocket ping or RawSocket PING after `interval` without traffic from the router,
    /// and drops the connection (so a reconnect policy can act) if nothing arrives within
    /// `timeout` after it. The default is a 30 s interval and a 15 s timeout.
    pub fn keepalive(mut self, interval: Duration, timeout: Duration) -> Self {
        self.transport.keepalive = Some(Keepalive { interval, timeout });
        self
    }

    /// Turns the keepalive off.
    pub fn no_keepalive(mut self) -> Self {
        self.transport.keepalive = None;
        self
    }

    /// The most calls in flight at once (default 65,536); more fail at once with
    /// [`Error::TooManyPendingCalls`].
    pub fn max_pending_calls(mut self, calls: usize) -> Self {
        self.session.max_pending_calls = calls.max(1);
        self
    }

    /// End-to-end encryption with these keys ([`crate::cryptobox`]): calls and publications to
    /// the URIs they cover are sealed, and sealed results, errors, invocations and events are
    /// opened.
    pub fn key_ring(mut self, keys: crate::cryptobox::KeyRing) -> Self {
        self.session.key_ring = Some(std::sync::Arc::new(keys));
        self
    }

    /// Also carries the trace context of each call and publication in its `kwargs`
    /// (`_traceparent`, `_tracestate`), for routers that strip the options it normally travels
    /// in, such as Crossbar.io 26.10.1 (see [`crate::trace`]). Only where every callee and
    /// subscriber is wamp-rs, which takes the keys out again: another peer sees them as two
    /// more keyword arguments.
    pub fn trace_in_payload(mut self) -> Self {
        self.session.trace_in_payload = true;
        self
    }

    /// The most invocations this callee runs at once (default 4,096); more are answered with
    /// `wamp.error.unavailable`, which lets a dealer reroute them (Call Reroute).
    pub fn max_concurrent_invocations(mut self, invocations: usize) -> Self {
        self.session.max_concurrent_invocations = invocations.max(1);
        self
    }

    /// Opens every connection (the first and each reconnect) with `dial` instead of a URL: for
    /// custom transports, or in-memory connections to an embedded router.
    ///
    /// ```no_run
    /// use wamp_core::transport::{self, BoxTransport, TransportConfig};
    ///
    /// # async fn demo() -> Result<(), wamp_core::Error> {
    /// // Any transport: here RawSocket, opened again on every reconnect.
    /// let session = wamp_core::Client::new("", "realm1")
    ///     .dial(|| async {
    ///         let config = TransportConfig::default();
    ///         let connected = transport::connect("tcp://127.0.0.1:8081", &config).await?;
    ///         Ok::<BoxTransport, _>(connected.transport)
    ///     })
    ///     .reconnect(Default::default())
    ///     .connect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn dial<F, Fut>(mut self, dial: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<BoxTransport, TransportError>> + Send + 'static,
    {
        self.dial = Some(Arc::new(move || Box::pin(dial())));
        self
    }

    /// Bounds the key-derivation work (WAMP-SCRAM, salted WAMP-CRA) a router may ask for in a
    /// challenge ([`KdfLimits::default`] unless set); over a bound, the join fails with
    /// [`Error::Auth`] before any work.
    pub fn kdf_limits(mut self, limits: KdfLimits) -> Self {
        self.kdf_limits = limits;
        self
    }

    /// A testament the router publishes when this session ends (Testament Meta API): added
    /// right after joining, and again after each reconnect (a new session at the router). The
    /// router must announce `testament_meta_api`, or connecting fails with
    /// [`Error::Unsupported`]; one it refuses fails the connect too.
    pub fn testament(mut self, testament: crate::meta::Testament) -> Self {
        self.testaments.push(testament);
        self
    }

    /// Connects (to the URL, or with the [`Client::dial`] function) and joins the realm.
    pub async fn connect(mut self) -> Result<Session, Error> {
        let target = match self.dial.take() {
            Some(dial) => Target::Dial(dial),
            None => Target::Url(self.url.clone(), self.transport.clone()),
        };
        self.start(target).await
    }

    /// Joins the realm over a transport that is already connected (for example an in-memory
    /// one). Such a session cannot reconnect: use [`Client::dial`] for that.
    pub async fn join(self, transport: BoxTransport) -> Result<Session, Error> {
        self.start(Target::Once(Some(transport))).await
    }

    async fn start(self, target: Target) -> Result<Session, Error> {
        let mut connector = Connector::new(
            target,
            JoinRequest {
                realm: self.realm,
                authid: self.authid,
                authrole: self.authrole,
                authextra: self.authextra,
                credentials: self.credentials,
                anonymous: self.anonymous,
                kdf_limits: self.kdf_limits,
            },
            self.session.join_timeout,
        );
        let (transport, info) = connector.open().await?;
        let id = info.id;
        let info = Arc::new(info);
        let (commands_tx, commands_rx) = mpsc::channel(super::COMMAND_QUEUE);
        let (closed_tx, closed_rx) = watch::channel(None);
        let (info_tx, info_rx) = watch::channel(info.clone());
        let (state_tx, state_rx) = watch::channel(SessionState::Joined {
            session: id,
            connection: 1,
        });
        let (events_tx, _) = broadcast::channel(super::state::SESSION_EVENTS);
        let span = tracing::info_span!("wamp_session", realm = %info.realm);
        let driver = Driver::new(super::driver::Setup {
            transport,
            commands: commands_rx,
            self_tx: commands_tx.clone(),
            closed: closed_tx,
            info: info_tx,
            state: state_tx,
            events: events_tx.clone(),
            config: self.session.clone(),
            connector,
        });
        tokio::spawn(driver.run().instrument(span));
        let session = Session {
            shared: Arc::new(Shared {
                commands: commands_tx,
                info: info_rx,
                state: state_rx,
                events: events_tx,
                config: self.session,
                closed: closed_rx,
                next_key: AtomicU64::new(1),
            }),
        };
        if !self.testaments.is_empty() {
            for t in &self.testaments {
                if let Err(e) = t.add_to(&session).await {
                    session.leave().await;
                    return Err(e);
                }
            }
            tokio::spawn(readd_testaments(
                Arc::downgrade(&session.shared),
                session.state(),
                self.testaments,
            ));
        }
        Ok(session)
    }
}

/// Adds the testaments again each time the session joins after a reconnect; ends with the
/// session (it holds no strong reference to it).
async fn readd_testaments(
    shared: std::sync::Weak<Shared>,
    mut state: watch::Receiver<SessionState>,
    testaments: Vec<crate::meta::Testament>,
) {
    let mut joined = 1;
    while state.changed().await.is_ok() {
        let connection = match &*state.borrow_and_update() {
            SessionState::Joined { connection, .. } => *connection,
            SessionState::Closed(_) => return,
            _ => continue,
        };
        if connection <= joined {
            continue;
        }
        joined = connection;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let session = Session { shared };
        for t in &testaments {
            if let Err(e) = t.add_to(&session).await {
                tracing::warn!(topic = %t.topic, error = %e, "a testament was not added again after a reconnect");
            }
        }
    }
}
