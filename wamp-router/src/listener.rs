//! Listeners: WebSocket and RawSocket over TCP, RawSocket over a Unix socket, each optionally with
//! TLS, each with its own maximum message size and serializers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::AtomicUsize;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use wamp_core::transport::rawsocket::{self, RawSocketTransport};
use wamp_core::transport::websocket::{websocket_config, WebSocketTransport};
use wamp_core::transport::{BoxTransport, Keepalive, DEFAULT_MAX_MESSAGE_SIZE};
use wamp_core::{Dict, Serializer, Value};

use crate::connection::HTTP_CBTID;
use crate::cookies::CookieConfig;
use crate::error::RouterError;
use crate::http;
use crate::limits::{PerIp, RateLimit, Slot};
use crate::shared::Shared;

/// The wire protocol of a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// WAMP over WebSocket (`ws://`, `wss://` with TLS).
    WebSocket,
    /// WAMP over RawSocket (`tcp://`, `tcps://` with TLS, `unix://`).
    RawSocket,
}

#[derive(Debug, Clone)]
enum Endpoint {
    Tcp(String),
    Unix(PathBuf),
}

/// A listener to start with the router.
#[derive(Clone)]
pub struct Listener {
    pub(crate) protocol: Protocol,
    endpoint: Endpoint,
    #[cfg(feature = "tls")]
    tls: Option<Arc<rustls::ServerConfig>>,
    max_message_size: usize,
    serializers: Vec<Serializer>,
    max_connections: Option<usize>,
    max_connections_per_ip: Option<usize>,
    rate: Option<RateLimit>,
    static_dir: Option<PathBuf>,
    metrics: bool,
    explorer: bool,
    cookies: Option<CookieConfig>,
    keepalive: Option<Keepalive>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("protocol", &self.protocol)
            .field("endpoint", &self.endpoint)
            .field("tls", &self.is_tls())
            .field("max_message_size", &self.max_message_size)
            .field("serializers", &self.serializers)
            .field("max_connections", &self.max_connections)
            .field("max_connections_per_ip", &self.max_connections_per_ip)
            .field("rate", &self.rate)
            .field("static_dir", &self.static_dir)
            .field("metrics", &self.metrics)
            .field("explorer", &self.explorer)
            .field("cookies", &self.cookies)
            .field("keepalive", &self.keepalive)
            .finish()
    }
}

impl Listener {
    fn new(protocol: Protocol, endpoint: Endpoint) -> Self {
        Self {
            protocol,
            endpoint,
            #[cfg(feature = "tls")]
            tls: None,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            serializers: Serializer::ALL.to_vec(),
            max_connections: None,
            max_connections_per_ip: None,
            rate: None,
            static_dir: None,
            metrics: false,
            explorer: false,
            cookies: None,
            keepalive: None,
        }
    }

    /// The TLS configuration, when the listener serves TLS.
    #[cfg(feature = "tls")]
    fn tls_config(&self) -> Option<&Arc<rustls::ServerConfig>> {
        self.tls.as_ref()
    }

    /// Never TLS in a build without the `tls` feature.
    #[cfg(not(feature = "tls"))]
    fn tls_config(&self) -> Option<std::convert::Infallible> {
        None
    }

    /// Whether the listener serves TLS.
    pub(crate) fn is_tls(&self) -> bool {
        self.tls_config().is_some()
    }

    /// WebSocket on a TCP address such as `127.0.0.1:8080` (port 0 picks a free port).
    pub fn websocket(addr: impl Into<String>) -> Self {
        Self::new(Protocol::WebSocket, Endpoint::Tcp(addr.into()))
    }

    /// RawSocket on a TCP address.
    pub fn rawsocket(addr: impl Into<String>) -> Self {
        Self::new(Protocol::RawSocket, Endpoint::Tcp(addr.into()))
    }

    /// RawSocket on a Unix domain socket (an existing socket file is replaced).
    pub fn unix(path: impl Into<PathBuf>) -> Self {
        Self::new(Protocol::RawSocket, Endpoint::Unix(path.into()))
    }

    /// Serves TLS with this configuration (see [`tls_config_from_pem`](crate::tls_config_from_pem); cargo feature `tls`).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// The largest message accepted from a client, in bytes (16 MiB by default). A larger message
    /// ends that session with ABORT `wamp.error.payload_size_exceeded`. RawSocket announces the
    /// largest power of two (between 2^9 and 2^24) not above it, so that a client never has a
    /// message refused that is within what it was told.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The most connections this listener holds at once (unbounded by default). One more is
    /// refused: RawSocket with the handshake's error 4 ("maximum connection count reached"),
    /// WebSocket with HTTP 503; the sessions already there are not affected.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = Some(connections);
        self
    }

    /// The most connections one client IP address holds on this listener at once (unbounded
    /// by default), refused as [`max_connections`](Listener::max_connections) refuses. Unix
    /// sockets have no address: the limit does not apply to them.
    pub fn max_connections_per_ip(mut self, connections: usize) -> Self {
        self.max_connections_per_ip = Some(connections);
        self
    }

    /// Paces each session of this listener to `rate` (see [`RateLimit`]): past it the router
    /// reads the session's messages no faster than the rate, so a flooding client slows down
    /// and the others do not notice.
    pub fn rate_limit(mut self, rate: RateLimit) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Serves the files under `dir` on this WebSocket listener: a request that is not a
    /// WebSocket upgrade gets the file its path names (`index.html` for a directory), or 404;
    /// the WAMP endpoint is the same port. Nothing outside `dir` is served.
    pub fn static_files(mut self, dir: impl Into<PathBuf>) -> Self {
        self.static_dir = Some(dir.into());
        self
    }

    /// Answers `GET /metrics` on this WebSocket listener with the router's metrics in the
    /// OpenMetrics text format (for Prometheus; the metrics are listed in
    /// [`Router::metrics`](crate::Router::metrics)); turns the router's metrics on. The
    /// WAMP endpoint stays the same port. To keep the metrics private, give them a listener of
    /// their own on a private address. A RawSocket listener has no HTTP: there the router
    /// refuses to start.
    pub fn metrics(mut self) -> Self {
        self.metrics = true;
        self
    }

    /// Serves the service explorer at `/explorer/` on this WebSocket listener: a page that joins
    /// a realm on this port like any WAMP client and browses and calls its described services
    /// (`wamp-router/explorer/`). On a RawSocket listener the router refuses to start.
    pub fn explorer(mut self) -> Self {
        self.explorer = true;
        self
    }

    /// Sets a cookie on each WebSocket upgrade of a client that presents none the router
    /// knows, for cookie authentication ([`RealmConfig::cookie_auth`](crate::RealmConfig::cookie_auth),
    /// [`crate::cookies`]); the connection's cookie is in its transport details as
    /// `http_cbtid`. WebSocket only: on a RawSocket listener the router refuses to start.
    pub fn cookies(mut self, config: CookieConfig) -> Self {
        self.cookies = Some(config);
        self
    }

    /// The cookies the listener sets, if any.
    pub(crate) fn cookie_config(&self) -> Option<&CookieConfig> {
        self.cookies.as_ref()
    }

    /// Whether the listener serves `/metrics`.
    pub(crate) fn serves_metrics(&self) -> bool {
        self.metrics
    }

    /// Whether the listener answers plain HTTP requests besides WebSocket upgrades.
    pub(crate) fn serves_http(&self) -> bool {
        self.static_dir.is_some() || self.metrics || self.explorer
    }

    /// The per-session rate, if any.
    pub(crate) fn rate(&self) -> Option<RateLimit> {
        self.rate
    }

    /// Pings a session whose peer sent nothing for `interval` (a WebSocket ping, a RawSocket
    /// PING) and drops it when nothing comes back within `timeout`: a peer that vanished
    /// without closing its connection is then detected, and its session ends (its testaments
    /// are published). Off by default.
    pub fn keepalive(mut self, interval: Duration, timeout: Duration) -> Self {
        self.keepalive = Some(Keepalive { interval, timeout });
        self
    }

    /// The serializers accepted (all three by default).
    pub fn serializers(mut self, serializers: impl IntoIterator<Item = Serializer>) -> Self {
        self.serializers = serializers.into_iter().collect();
        self
    }

    fn scheme(&self) -> &'static str {
        match (self.protocol, &self.endpoint, self.is_tls()) {
            (_, Endpoint::Unix(_), _) => "unix",
            (Protocol::WebSocket, _, false) => "ws",
            (Protocol::WebSocket, _, true) => "wss",
            (Protocol::RawSocket, _, false) => "tcp",
            (Protocol::RawSocket, _, true) => "tcps",
        }
    }
}

/// A listener that is accepting connections.
#[derive(Debug, Clone)]
pub struct Bound {
    /// Its protocol.
    pub protocol: Protocol,
    /// The URL a client connects to (`ws://127.0.0.1:41234/`, `unix:///tmp/x.sock`...).
    pub url: String,
    /// The TCP address it is bound to (`None` for a Unix socket).
    pub addr: Option<SocketAddr>,
}

/// How long a connection may take for TLS and the transport handshake.
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Binds the listener and spawns its accept loop; the loop ends when `stop` turns true.
pub(crate) async fn start(
    listener: Listener,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) -> Result<Bound, RouterError> {
    let scheme = listener.scheme();
    match listener.endpoint.clone() {
        Endpoint::Tcp(addr) => {
            let socket = TcpListener::bind(&addr)
                .await
                .map_err(|e| RouterError::Bind(addr.clone(), e))?;
            let local = socket
                .local_addr()
                .map_err(|e| RouterError::Bind(addr.clone(), e))?;
            let url = match listener.protocol {
                Protocol::WebSocket => format!("{scheme}://{local}/"),
                Protocol::RawSocket => format!("{scheme}://{local}"),
            };
            let protocol = listener.protocol;
            tokio::spawn(accept_tcp(socket, listener, shared, stop));
            Ok(Bound {
                protocol,
                url,
                addr: Some(local),
            })
        }
        Endpoint::Unix(path) => start_unix(path, listener, shared, stop).await,
    }
}

async fn accept_tcp(
    socket: TcpListener,
    listener: Listener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let listener = Arc::new(listener);
    let active = Arc::new(AtomicUsize::new(0));
    let per_ip = Arc::new(PerIp::default());
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            accepted = socket.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (listener, shared) = (listener.clone(), shared.clone());
        let slot = Slot::take(&active, listener.max_connections);
        let ip_slot = per_ip.take(peer.ip(), listener.max_connections_per_ip);
        let refusal = match (&slot, &ip_slot) {
            (None, _) => Some("the listener is full"),
            (_, None) => Some("too many connections from this address"),
            _ => None,
        };
        tokio::spawn(async move {
            let peer = format!("tcp4:{peer}");
            // Boxed: the handshake futures (TLS, WebSocket upgrade) are several times larger than
            // the session's, and a task keeps its largest state for its whole life (12 KiB
            // instead of 2 KiB per connection, measured by wamp-bench's memory figures).
            let transport = Box::pin(async {
                match listener.tls_config() {
                    #[cfg(feature = "tls")]
                    Some(tls) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
                        match tokio::time::timeout(ACCEPT_TIMEOUT, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) if refusal.is_some() => {
                                refuse(stream, &listener, refusal.unwrap_or_default()).await
                            }
                            Ok(Ok(stream)) => {
                                // A verified client certificate (authmethod `tls`).
                                let cert = stream.get_ref().1.peer_certificates();
                                let cert = cert
                                    .and_then(|c| c.first())
                                    .map(|c| crate::tls::peer_cert(c));
                                let opened = open(stream, &listener, &shared, peer).await;
                                opened.map(|(transport, mut info)| {
                                    if let Some(cert) = cert {
                                        info.insert("peer_cert".into(), cert);
                                    }
                                    (transport, info)
                                })
                            }
                            Ok(Err(e)) => {
                                tracing::debug!(error = %e, "TLS handshake failed");
                                None
                            }
                            Err(_) => None,
                        }
                    }
                    None if refusal.is_some() => {
                        refuse(stream, &listener, refusal.unwrap_or_default()).await
                    }
                    None => open(stream, &listener, &shared, peer).await,
                }
            })
            .await;
            if let Some((transport, info)) = transport {
                crate::connection::serve(shared, transport, info, listener.rate()).await;
            }
            drop((slot, ip_slot));
        });
    }
}

#[cfg(unix)]
async fn start_unix(
    path: PathBuf,
    listener: Listener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> Result<Bound, RouterError> {
    let _ = std::fs::remove_file(&path);
    let socket = tokio::net::UnixListener::bind(&path)
        .map_err(|e| RouterError::Bind(path.display().to_string(), e))?;
    let url = format!("unix://{}", path.display());
    let listener = Arc::new(listener);
    let active = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                accepted = socket.accept() => accepted,
            };
            let Ok((stream, _)) = accepted else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let (listener, shared) = (listener.clone(), shared.clone());
            let slot = Slot::take(&active, listener.max_connections);
            tokio::spawn(async move {
                if slot.is_none() {
                    refuse(stream, &listener, "the listener is full").await;
                    return;
                }
                // Boxed as for TCP: the handshake's state is not kept for the session's life.
                let opened = Box::pin(open(stream, &listener, &shared, "unix".into())).await;
                if let Some((transport, info)) = opened {
                    crate::connection::serve(shared, transport, info, listener.rate()).await;
                }
                drop(slot);
            });
        }
        let _ = std::fs::remove_file(&path);
    });
    Ok(Bound {
        protocol: Protocol::RawSocket,
        url,
        addr: None,
    })
}

#[cfg(not(unix))]
async fn start_unix(
    path: PathBuf,
    _listener: Listener,
    _shared: Arc<Shared>,
    _stop: watch::Receiver<bool>,
) -> Result<Bound, RouterError> {
    Err(RouterError::Bind(
        path.display().to_string(),
        std::io::Error::new(std::io::ErrorKind::Unsupported, "Unix sockets"),
    ))
}

/// The WebSocket opening handshake, choosing the serializer from the offered subprotocols.
// tungstenite's handshake callback must return its (large) `ErrorResponse`.
#[allow(clippy::result_large_err)]
async fn upgrade<T>(
    stream: T,
    listener: &Listener,
    shared: &Shared,
    cookie: &mut Option<String>,
) -> Option<(BoxTransport, &'static str, Serializer)>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let max = listener.max_message_size;
    let mut chosen = None;
    let serializers = listener.serializers.clone();
    let callback = |request: &Request, mut response: Response| {
        let offered = request
            .headers()
            .get_all("Sec-WebSocket-Protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter_map(Serializer::from_subprotocol)
            .find(|s| serializers.contains(s));
        match offered {
            Some(s) => {
                chosen = Some(s);
                response.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    HeaderValue::from_static(s.subprotocol()),
                );
                if let Some(config) = &listener.cookies {
                    let presented = request.headers().get_all("Cookie").iter();
                    let presented = presented.filter_map(|v| v.to_str().ok());
                    let (id, set) = shared.cookies.on_upgrade(config, presented);
                    if let Some(value) = set.and_then(|v| HeaderValue::from_str(&v).ok()) {
                        response.headers_mut().insert("Set-Cookie", value);
                    }
                    *cookie = Some(id);
                }
                Ok(response)
            }
            None => {
                let mut refusal = ErrorResponse::new(Some(
                        "no supported WAMP subprotocol (wamp.2.json, wamp.2.msgpack, wamp.2.cbor) offered"
                            .into(),
                    ));
                *refusal.status_mut() = StatusCode::BAD_REQUEST;
                Err(refusal)
            }
        }
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(
        stream,
        callback,
        Some(websocket_config(max).read_buffer_size(SESSION_READ_BUFFER)),
    )
    .await
    .map_err(|e| tracing::debug!(error = %e, "WebSocket handshake failed"))
    .ok()?;
    let serializer = chosen?;
    let transport: BoxTransport =
        Box::new(WebSocketTransport::new(ws, serializer, max).with_keepalive(listener.keepalive));
    Some((transport, "websocket", serializer))
}

/// Refuses a connection over the listener's limit, in its protocol's words; answers `None`
/// (no session), so that the caller's flow stays that of a failed handshake.
async fn refuse<S>(mut stream: S, listener: &Listener, why: &str) -> Option<(BoxTransport, Dict)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::info!(
        max = ?listener.max_connections,
        per_ip = ?listener.max_connections_per_ip,
        "connection refused: {why}"
    );
    let _ = tokio::time::timeout(ACCEPT_TIMEOUT, async {
        match listener.protocol {
            Protocol::RawSocket => {
                let refusal = rawsocket::HandshakeError::MaxConnectionCount;
                let _ = rawsocket::refuse_handshake(&mut stream, refusal).await;
            }
            Protocol::WebSocket => {
                let _ = http::respond(&mut stream, "503 Service Unavailable", "", &[]).await;
            }
        }
        let _ = stream.shutdown().await;
    })
    .await;
    None
}

/// The WebSocket read buffer of each router session. tungstenite keeps (and zero-fills) this
/// much per connection, and a router holds many mostly idle ones: 4 KiB, half the client's,
/// keeps an idle session under 20 KiB (wamp-bench's memory figures) and still takes dozens of
/// small messages per read.
pub const SESSION_READ_BUFFER: usize = 4 * 1024;

/// Runs the transport handshake (WebSocket upgrade or RawSocket) on an accepted stream.
async fn open<S>(
    mut stream: S,
    listener: &Listener,
    shared: &Shared,
    peer: String,
) -> Option<(BoxTransport, Dict)>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let max = listener.max_message_size;
    let mut info = Dict::new();
    info.insert("peer".into(), Value::Text(peer));
    let mut cookie = None;
    let opened = tokio::time::timeout(ACCEPT_TIMEOUT, async {
        match listener.protocol {
            Protocol::RawSocket => {
                let (serializer, peer_max) =
                    rawsocket::server_handshake(&mut stream, &listener.serializers, max)
                        .await
                        .map_err(|e| tracing::debug!(error = %e, "RawSocket handshake failed"))
                        .ok()?;
                let accepted = rawsocket::accepted_length(max);
                let transport: BoxTransport = Box::new(
                    RawSocketTransport::new(stream, serializer, accepted, peer_max)
                        .with_keepalive(listener.keepalive),
                );
                Some((transport, "rawsocket", serializer))
            }
            Protocol::WebSocket if !listener.serves_http() => {
                upgrade(stream, listener, shared, &mut cookie).await
            }
            Protocol::WebSocket => {
                let site = http::Site {
                    files: listener.static_dir.as_deref(),
                    metrics: listener.metrics.then_some(shared),
                    explorer: listener.explorer,
                };
                match http::route(stream, &site).await {
                    http::Routed::Upgrade(replayed) => {
                        upgrade(replayed, listener, shared, &mut cookie).await
                    }
                    http::Routed::Served => None,
                }
            }
        }
    })
    .await
    .ok()??;
    let (transport, kind, serializer) = opened;
    if let Some(id) = cookie {
        info.insert(HTTP_CBTID.into(), Value::Text(id));
    }
    info.insert("type".into(), Value::Text(kind.into()));
    info.insert(
        "protocol".into(),
        Value::Text(serializer.subprotocol().into()),
    );
    Some((transport, info))
}
