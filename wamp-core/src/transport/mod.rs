//! Transports: a [`Transport`] is a `Stream + Sink` of [`Message`]s.
//!
//! | URL | transport |
//! |---|---|
//! | `ws://host:port/path`, `wss://...` | WebSocket with subprotocol negotiation ([`websocket`]) |
//! | `tcp://host:port`, `tcps://host:port` | RawSocket over TCP, optionally TLS ([`rawsocket`]) |
//! | `unix:///path/to/socket` | RawSocket over a Unix domain socket |
//! | (none) | [`memory::pair`]: in-process, no serialization |
//!
//! Every byte-oriented transport enforces a maximum incoming message size and reports a message
//! over it as [`TransportError::MessageTooLarge`].

mod cookies;
mod keepalive;
pub mod memory;
pub mod rawsocket;
#[cfg(feature = "tls")]
mod tls;
pub mod websocket;

use std::time::Duration;

use futures::{Sink, Stream};

pub use cookies::CookieJar;
pub(crate) use keepalive::Heartbeat;
pub use keepalive::Keepalive;
#[cfg(feature = "tls")]
pub use tls::{ClientCertificate, TlsConfig};

use crate::message::Message;
use crate::serializer::{DecodeError, EncodeError, Serializer};

/// A bidirectional, ordered, reliable channel of WAMP messages.
///
/// Implemented for every type that is a `Stream` of received messages and a `Sink` of messages to
/// send, so tests and the embedded router can supply their own.
pub trait Transport:
    Stream<Item = Result<Message, TransportError>>
    + Sink<Message, Error = TransportError>
    + Send
    + Unpin
{
}

impl<T> Transport for T where
    T: Stream<Item = Result<Message, TransportError>>
        + Sink<Message, Error = TransportError>
        + Send
        + Unpin
{
}

/// A boxed [`Transport`].
pub type BoxTransport = Box<dyn Transport>;

/// Why a transport failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The URL is not one this crate can connect to.
    #[error("invalid transport URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An I/O error on the connection.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Connecting took longer than the configured timeout.
    #[error("connecting timed out after {0:?}")]
    ConnectTimeout(Duration),
    /// The TLS layer failed.
    #[error("TLS error: {0}")]
    Tls(String),
    /// The WebSocket layer failed (handshake, framing).
    #[error("WebSocket error: {0}")]
    WebSocket(String),
    /// The server did not accept any of the offered serializers.
    #[error("the server accepted none of the offered WAMP subprotocols {offered:?}")]
    NoSubprotocol {
        /// The subprotocols offered.
        offered: Vec<&'static str>,
    },
    /// The RawSocket handshake was refused or malformed.
    #[error("RawSocket handshake failed: {0}")]
    RawSocketHandshake(rawsocket::HandshakeError),
    /// A RawSocket frame broke the framing rules (reserved bits, unknown frame type).
    #[error("RawSocket framing error: {0}")]
    RawSocketFraming(String),
    /// A received message is larger than the configured maximum.
    #[error("received a message of {size} bytes, larger than the maximum of {max} bytes")]
    MessageTooLarge {
        /// The size announced or seen.
        size: usize,
        /// The maximum in force.
        max: usize,
    },
    /// A message to send is larger than the peer accepts; nothing was sent.
    #[error(
        "a message of {size} bytes is larger than the peer's maximum of {max} bytes; not sent"
    )]
    OutgoingTooLarge {
        /// The encoded size.
        size: usize,
        /// The peer's maximum.
        max: usize,
    },
    /// A received message could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A message to send could not be encoded; nothing was sent.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The peer sent nothing within the keepalive timeout after a ping: it is presumed dead.
    #[error("the peer did not answer a keepalive ping within {0:?}")]
    KeepaliveTimeout(Duration),
    /// The connection is closed.
    #[error("the connection is closed")]
    Closed,
}

impl TransportError {
    /// Whether the transport is unusable after this error. Encoding errors and messages too large
    /// to send concern one message only: nothing was written, and the connection goes on.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            TransportError::Encode(_) | TransportError::OutgoingTooLarge { .. }
        )
    }
}

/// How to connect a byte-oriented transport. Start from `TransportConfig::default()` and set
/// fields: the set of fields depends on cargo features (`tls`), so the struct cannot be built
/// from a literal.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Serializers to offer, in order of preference. RawSocket uses the first.
    pub serializers: Vec<Serializer>,
    /// The largest message accepted from the peer, in bytes. RawSocket rounds it up to the next
    /// power of two between 2^9 and 2^24, as its handshake can only express those.
    pub max_message_size: usize,
    /// How long connecting (TCP, TLS and the transport handshake) may take.
    pub connect_timeout: Duration,
    /// TLS settings for `wss://` and `tcps://` (cargo feature `tls`).
    #[cfg(feature = "tls")]
    pub tls: TlsConfig,
    /// Pings an idle peer and drops the connection when it stays silent (`None`: never).
    pub keepalive: Option<Keepalive>,
    /// Keeps the cookies WebSocket routers set and presents them again (`None`: no cookies).
    pub cookies: Option<CookieJar>,
}

/// The default maximum incoming message size: 16 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            serializers: Serializer::ALL.to_vec(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            connect_timeout: Duration::from_secs(10),
            #[cfg(feature = "tls")]
            tls: TlsConfig::default(),
            keepalive: Some(Keepalive {
                interval: Duration::from_secs(30),
                timeout: Duration::from_secs(15),
            }),
            cookies: None,
        }
    }
}

/// A connected transport and the serializer it negotiated (`None` for in-memory transports).
pub struct Connected {
    /// The transport.
    pub transport: BoxTransport,
    /// The negotiated serializer.
    pub serializer: Option<Serializer>,
}

impl std::fmt::Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected")
            .field("serializer", &self.serializer)
            .finish_non_exhaustive()
    }
}

/// Connects to a URL (`ws`, `wss`, `tcp`, `tcps` or `unix`).
pub async fn connect(url: &str, config: &TransportConfig) -> Result<Connected, TransportError> {
    let invalid = |reason: &str| TransportError::InvalidUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = url::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if config.serializers.is_empty() {
        return Err(invalid("no serializer configured"));
    }
    let attempt = async {
        match parsed.scheme() {
            "ws" | "wss" => websocket::connect(url, config).await,
            "tcp" | "tcps" => {
                let host = parsed.host_str().ok_or_else(|| invalid("missing host"))?;
                let port = parsed.port().ok_or_else(|| invalid("missing port"))?;
                let tls = (parsed.scheme() == "tcps").then_some(host);
                rawsocket::connect_tcp(host, port, tls, config).await
            }
            "unix" => {
                let path = parsed.path();
                if path.is_empty() {
                    return Err(invalid("missing socket path"));
                }
                rawsocket::connect_unix(path, config).await
            }
            other => Err(invalid(&format!(
                "unsupported scheme {other:?} (use ws, wss, tcp, tcps or unix)"
            ))),
        }
    };
    tokio::time::timeout(config.connect_timeout, attempt)
        .await
        .map_err(|_| TransportError::ConnectTimeout(config.connect_timeout))?
}
