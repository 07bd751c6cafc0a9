//! The entry point: a [`Client`] describes how to reach a router and join a realm.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tracing::Instrument as _;

use super::driver::Driver;
use super::join::{join, JoinRequest};
use super::{Session, SessionConfig, SessionInfo, Shared};
use crate::auth::{Authenticator, Cryptosign, Scram, ScramFlavor, Ticket, WampCra};
use crate::error::Error;
use crate::serializer::Serializer;
use crate::transport::{self, BoxTransport, TlsConfig, TransportConfig};
use crate::uri::UriCheck;
use crate::value::{Dict, Value};

/// A credential whose authenticator is built when connecting (it may need the authid).
enum Credential {
    Ready(Box<dyn Authenticator>),
    Scram {
        password: String,
        flavor: ScramFlavor,
    },
}

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
    transport: TransportConfig,
    session: SessionConfig,
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
            transport: TransportConfig::default(),
            session: SessionConfig::default(),
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

    /// Offers WAMP-SCRAM authentication for the authid, in the flavor Crossbar.io speaks.
    pub fn scram(self, password: impl Into<String>) -> Self {
        self.scram_flavor(password, ScramFlavor::Crossbar)
    }

    /// Offers WAMP-SCRAM authentication in the given flavor.
    pub fn scram_flavor(mut self, password: impl Into<String>, flavor: ScramFlavor) -> Self {
        self.credentials.push(Credential::Scram {
            password: password.into(),
            flavor,
        });
        self
    }

    /// Offers WAMP-Cryptosign authentication with an Ed25519 private key seed.
    pub fn cryptosign(self, seed: [u8; 32]) -> Self {
        self.authenticator(Cryptosign::new(seed))
    }

    /// Offers any authenticator, in addition to those already offered.
    pub fn authenticator(mut self, authenticator: impl Authenticator + 'static) -> Self {
        self.credentials
            .push(Credential::Ready(Box::new(authenticator)));
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

    /// The largest message accepted from the router, in bytes.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.transport.max_message_size = bytes;
        self
    }

    /// How long connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// TLS settings for `wss://` and `tcps://`.
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

    /// Connects to the URL and joins the realm.
    pub async fn connect(self) -> Result<Session, Error> {
        let connected = transport::connect(&self.url, &self.transport).await?;
        self.join_with(connected.transport, connected.serializer)
            .await
    }

    /// Joins the realm over a transport that is already connected (for example an in-memory one).
    pub async fn join(self, transport: BoxTransport) -> Result<Session, Error> {
        self.join_with(transport, None).await
    }

    async fn join_with(
        self,
        mut transport: BoxTransport,
        serializer: Option<Serializer>,
    ) -> Result<Session, Error> {
        let mut authenticators: Vec<Box<dyn Authenticator>> = Vec::new();
        for credential in self.credentials {
            authenticators.push(match credential {
                Credential::Ready(a) => a,
                Credential::Scram { password, flavor } => {
                    let authid = self.authid.clone().ok_or_else(|| {
                        crate::auth::AuthError::new(
                            "wamp-scram",
                            "an authid is required: set Client::authid",
                        )
                    })?;
                    Box::new(Scram::new(authid, password).flavor(flavor))
                }
            });
        }
        let request = JoinRequest {
            realm: self.realm.clone(),
            authid: self.authid,
            authrole: self.authrole,
            authextra: self.authextra,
            authenticators,
            anonymous: self.anonymous,
        };
        let timeout = self.session.join_timeout;
        let (id, details) = tokio::time::timeout(timeout, join(&mut transport, request))
            .await
            .map_err(|_| Error::Transport(transport::TransportError::ConnectTimeout(timeout)))??;
        let info = SessionInfo::from_welcome(id, self.realm, details, serializer);
        let (commands_tx, commands_rx) = mpsc::channel(1024);
        let (closed_tx, closed_rx) = watch::channel(None);
        let span = tracing::info_span!("wamp_session", session = id, realm = %info.realm);
        let driver = Driver::new(
            transport,
            commands_rx,
            commands_tx.clone(),
            closed_tx,
            info.clone(),
            self.session.goodbye_timeout,
        );
        tokio::spawn(driver.run().instrument(span));
        Ok(Session {
            shared: Arc::new(Shared {
                commands: commands_tx,
                info,
                config: self.session,
                closed: closed_rx,
                next_key: AtomicU64::new(1),
            }),
        })
    }
}
