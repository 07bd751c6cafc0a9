//! WAMP over WebSocket (`ws://`, `wss://`): one WAMP message per WebSocket message, the
//! serializer negotiated as the `wamp.2.*` subprotocol.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures::{Sink, Stream};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Connected, Heartbeat, Keepalive, TransportConfig, TransportError};
use crate::message::Message;
use crate::serializer::Serializer;

/// A WAMP transport over a WebSocket connection.
pub struct WebSocketTransport<S> {
    ws: WebSocketStream<S>,
    serializer: Serializer,
    max_message_size: usize,
    heartbeat: Option<Heartbeat>,
}

impl<S> std::fmt::Debug for WebSocketTransport<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocketTransport")
            .field("serializer", &self.serializer)
            .finish_non_exhaustive()
    }
}

impl<S> WebSocketTransport<S> {
    /// Wraps an established WebSocket whose subprotocol negotiated `serializer`.
    pub fn new(ws: WebSocketStream<S>, serializer: Serializer, max_message_size: usize) -> Self {
        Self {
            ws,
            serializer,
            max_message_size,
            heartbeat: None,
        }
    }

    /// Pings the peer when idle and fails with [`TransportError::KeepaliveTimeout`] when it
    /// stays silent (see [`Keepalive`]).
    pub fn with_keepalive(mut self, keepalive: Option<Keepalive>) -> Self {
        self.heartbeat = keepalive.map(Heartbeat::new);
        self
    }
}

impl<S> WebSocketTransport<S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    /// Runs the keepalive: sends a due ping, or reports the peer dead.
    fn poll_keepalive(&mut self, cx: &mut Context<'_>) -> Result<(), TransportError> {
        let max = self.max_message_size;
        match self.heartbeat.as_mut() {
            Some(heartbeat) => heartbeat.drive(
                cx,
                Pin::new(&mut self.ws),
                || WsMessage::Ping(Default::default()),
                |e| map_ws_error(e, max),
            ),
            None => Ok(()),
        }
    }
}

/// How much one read from the socket takes at most. tungstenite zero-fills this much of its read
/// buffer before every read and keeps the buffer for the connection's life, so its default
/// (128 KiB) cost a 128 KiB memset per read and 128 KiB resident per connection (measured by
/// `wamp-bench`: 159 KiB per idle router session). 8 KiB still takes a hundred small messages per
/// read.
pub const READ_BUFFER: usize = 8 * 1024;

/// The tungstenite configuration for a WAMP maximum message size.
pub fn websocket_config(max_message_size: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(max_message_size))
        .max_frame_size(Some(max_message_size))
}

pub(crate) fn map_ws_error(e: tungstenite::Error, max: usize) -> TransportError {
    use tungstenite::error::CapacityError;
    match e {
        tungstenite::Error::Capacity(CapacityError::MessageTooLong { size, max_size }) => {
            TransportError::MessageTooLarge {
                size,
                max: max_size.min(max),
            }
        }
        tungstenite::Error::Io(io) => TransportError::Io(io),
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            TransportError::Closed
        }
        other => TransportError::WebSocket(other.to_string()),
    }
}

/// Connects to a `ws://` or `wss://` URL, offering the configured serializers.
pub(crate) async fn connect(
    url: &str,
    config: &TransportConfig,
) -> Result<Connected, TransportError> {
    let mut request = url
        .into_client_request()
        .map_err(|e| TransportError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
    let offered: Vec<&'static str> = config.serializers.iter().map(|s| s.subprotocol()).collect();
    let header = HeaderValue::from_str(&offered.join(", "))
        .map_err(|e| TransportError::WebSocket(e.to_string()))?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", header);
    // The cookies this host set on an earlier connection (cookie authentication).
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let jar = config.cookies.as_ref();
    if let Some(cookie) = jar.and_then(|j| j.header(&host)) {
        let value =
            HeaderValue::from_str(&cookie).map_err(|e| TransportError::WebSocket(e.to_string()))?;
        request.headers_mut().insert("Cookie", value);
    }
    #[cfg(feature = "tls")]
    let connected = {
        let connector = if url.starts_with("wss:") {
            Some(tokio_tungstenite::Connector::Rustls(
                config.tls.client_config()?,
            ))
        } else {
            None
        };
        tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(websocket_config(config.max_message_size)),
            true,
            connector,
        )
        .await
    };
    #[cfg(not(feature = "tls"))]
    let connected = {
        if url.starts_with("wss:") {
            return Err(TransportError::Tls(
                "wss:// needs the cargo feature `tls` of wamp-core".into(),
            ));
        }
        tokio_tungstenite::connect_async_with_config(
            request,
            Some(websocket_config(config.max_message_size)),
            true,
        )
        .await
    };
    let (ws, response) = connected.map_err(|e| map_ws_error(e, config.max_message_size))?;
    if let Some(jar) = jar {
        for set in response.headers().get_all("Set-Cookie") {
            if let Ok(set) = set.to_str() {
                jar.store(&host, set);
            }
        }
    }
    let chosen = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(Serializer::from_subprotocol)
        .filter(|s| config.serializers.contains(s))
        .ok_or(TransportError::NoSubprotocol { offered })?;
    let transport: WebSocketTransport<MaybeTlsStream<TcpStream>> =
        WebSocketTransport::new(ws, chosen, config.max_message_size)
            .with_keepalive(config.keepalive);
    Ok(Connected {
        transport: Box::new(transport),
        serializer: Some(chosen),
    })
}

impl<S> Stream for WebSocketTransport<S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    type Item = Result<Message, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Err(e) = self.poll_keepalive(cx) {
            return Poll::Ready(Some(Err(e)));
        }
        loop {
            let max = self.max_message_size;
            let frame = match ready!(Pin::new(&mut self.ws).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(map_ws_error(e, max)))),
                Some(Ok(frame)) => frame,
            };
            if let Some(heartbeat) = self.heartbeat.as_mut() {
                heartbeat.seen();
            }
            let decoded = match &frame {
                WsMessage::Text(text) => self.serializer.decode_text(text.as_str()),
                WsMessage::Binary(bytes) => self.serializer.decode(bytes),
                // Pings are answered by tungstenite itself; pongs and raw frames carry no message.
                WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => continue,
                WsMessage::Close(_) => return Poll::Ready(None),
            };
            return Poll::Ready(Some(decoded.map_err(TransportError::from)));
        }
    }
}

impl<S> Sink<Message> for WebSocketTransport<S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    type Error = TransportError;

    fn poll_ready(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        let max = self.max_message_size;
        Pin::new(&mut self.ws)
            .poll_ready(cx)
            .map_err(|e| map_ws_error(e, max))
    }

    fn start_send(mut self: Pin<&mut Self>, item: Message) -> Result<(), TransportError> {
        let frame = if self.serializer.is_binary() {
            WsMessage::binary(self.serializer.encode(&item)?)
        } else {
            WsMessage::text(self.serializer.encode_text(&item)?)
        };
        let max = self.max_message_size;
        Pin::new(&mut self.ws)
            .start_send(frame)
            .map_err(|e| map_ws_error(e, max))
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        let max = self.max_message_size;
        Pin::new(&mut self.ws)
            .poll_flush(cx)
            .map_err(|e| map_ws_error(e, max))
    }

    fn poll_close(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        let max = self.max_message_size;
        Pin::new(&mut self.ws)
            .poll_close(cx)
            .map_err(|e| map_ws_error(e, max))
    }
}
