//! WAMP over RawSocket (`tcp://`, `tcps://`, `unix://`): a 4-octet handshake that picks the
//! serializer and each side's maximum message length (2^9..2^24), then length-prefixed frames
//! of three kinds: a WAMP message, PING and PONG.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::Framed;

mod frame;
mod handshake;

pub use frame::{Frame, FrameCodec, FrameKind};
pub use handshake::{
    accepted_length, client_handshake, length_exponent, length_from_exponent, refuse_handshake,
    server_handshake, HandshakeError,
};

use super::{Connected, Heartbeat, Keepalive, TransportConfig, TransportError};
use crate::message::Message;
use crate::serializer::Serializer;

/// The first octet of every RawSocket handshake.
pub const MAGIC: u8 = 0x7F;

/// The largest message length a RawSocket handshake can announce: 2^24 octets.
pub const MAX_LENGTH: usize = 1 << 24;

/// A WAMP transport over a RawSocket connection. PINGs from the peer are answered with PONGs.
pub struct RawSocketTransport<S> {
    framed: Framed<S, FrameCodec>,
    serializer: Serializer,
    pong: Option<Bytes>,
    heartbeat: Option<Heartbeat>,
}

impl<S> std::fmt::Debug for RawSocketTransport<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawSocketTransport")
            .field("serializer", &self.serializer)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> RawSocketTransport<S> {
    /// Wraps a stream whose handshake is done: `max_in` is what we announced, `max_out` the peer's.
    pub fn new(stream: S, serializer: Serializer, max_in: usize, max_out: usize) -> Self {
        Self {
            framed: Framed::new(stream, FrameCodec::new(max_in, max_out)),
            serializer,
            pong: None,
            heartbeat: None,
        }
    }

    /// Sends a PING when the peer is idle and fails with [`TransportError::KeepaliveTimeout`]
    /// when it stays silent (see [`Keepalive`]).
    pub fn with_keepalive(mut self, keepalive: Option<Keepalive>) -> Self {
        self.heartbeat = keepalive.map(Heartbeat::new);
        self
    }

    /// Runs the keepalive: sends a due PING, or reports the peer dead.
    fn poll_keepalive(&mut self, cx: &mut Context<'_>) -> Result<(), TransportError> {
        let ping = || Frame {
            kind: FrameKind::Ping,
            payload: Bytes::new(),
        };
        match self.heartbeat.as_mut() {
            Some(heartbeat) => heartbeat.drive(cx, Pin::new(&mut self.framed), ping, |e| e),
            None => Ok(()),
        }
    }

    /// Sends a PING frame (the peer answers with a PONG, which this transport consumes).
    pub async fn ping(&mut self, payload: Bytes) -> Result<(), TransportError> {
        use futures::SinkExt as _;
        self.framed
            .send(Frame {
                kind: FrameKind::Ping,
                payload,
            })
            .await
    }

    /// Tries to send a pending PONG; `Ready(Ok)` once none is pending.
    fn poll_pong(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        if self.pong.is_some() {
            ready!(Pin::new(&mut self.framed).poll_ready(cx))?;
            if let Some(payload) = self.pong.take() {
                Pin::new(&mut self.framed).start_send(Frame {
                    kind: FrameKind::Pong,
                    payload,
                })?;
            }
        }
        Pin::new(&mut self.framed).poll_flush(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Stream for RawSocketTransport<S> {
    type Item = Result<Message, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Err(e) = self.poll_keepalive(cx) {
            return Poll::Ready(Some(Err(e)));
        }
        loop {
            // A pending PONG goes out before more is read, so a ping flood cannot grow a queue.
            if self.pong.is_some() {
                if let Poll::Ready(Err(e)) = self.poll_pong(cx) {
                    return Poll::Ready(Some(Err(e)));
                }
                if self.pong.is_some() {
                    return Poll::Pending;
                }
            }
            let frame = match ready!(Pin::new(&mut self.framed).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(frame)) => frame,
            };
            if let Some(heartbeat) = self.heartbeat.as_mut() {
                heartbeat.seen();
            }
            match frame.kind {
                FrameKind::Message => {
                    return Poll::Ready(Some(
                        self.serializer.decode(&frame.payload).map_err(Into::into),
                    ))
                }
                FrameKind::Ping => self.pong = Some(frame.payload),
                FrameKind::Pong => {}
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Sink<Message> for RawSocketTransport<S> {
    type Error = TransportError;

    fn poll_ready(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.framed).poll_ready(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, item: Message) -> Result<(), TransportError> {
        let payload = Bytes::from(self.serializer.encode(&item)?);
        Pin::new(&mut self.framed).start_send(Frame {
            kind: FrameKind::Message,
            payload,
        })
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        self.poll_pong(cx)
    }

    fn poll_close(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.framed).poll_close(cx)
    }
}

async fn finish<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    mut stream: S,
    config: &TransportConfig,
) -> Result<Connected, TransportError> {
    let serializer = config
        .serializers
        .first()
        .copied()
        .unwrap_or(Serializer::Json);
    let max_in = accepted_length(config.max_message_size);
    let max_out = client_handshake(&mut stream, serializer, config.max_message_size).await?;
    let transport = RawSocketTransport::new(stream, serializer, max_in, max_out)
        .with_keepalive(config.keepalive);
    Ok(Connected {
        transport: Box::new(transport),
        serializer: Some(serializer),
    })
}

/// Connects RawSocket over TCP; with `tls` set to the server name, over TLS.
pub(crate) async fn connect_tcp(
    host: &str,
    port: u16,
    tls: Option<&str>,
    config: &TransportConfig,
) -> Result<Connected, TransportError> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let tcp = tokio::net::TcpStream::connect((host, port)).await?;
    tcp.set_nodelay(true)?;
    match tls {
        None => finish(tcp, config).await,
        #[cfg(not(feature = "tls"))]
        Some(_) => Err(TransportError::Tls(
            "tcps:// needs the cargo feature `tls` of wamp-core".into(),
        )),
        #[cfg(feature = "tls")]
        Some(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            let server_name = rustls::pki_types::ServerName::try_from(name.to_owned())
                .map_err(|e| TransportError::Tls(format!("invalid server name {name:?}: {e}")))?;
            let connector = tokio_rustls::TlsConnector::from(config.tls.client_config()?);
            let stream = connector
                .connect(server_name, tcp)
                .await
                .map_err(|e| TransportError::Tls(e.to_string()))?;
            finish(stream, config).await
        }
    }
}

/// Connects RawSocket over a Unix domain socket.
#[cfg(unix)]
pub(crate) async fn connect_unix(
    path: &str,
    config: &TransportConfig,
) -> Result<Connected, TransportError> {
    let stream = tokio::net::UnixStream::connect(path).await?;
    finish(stream, config).await
}

/// Unix domain sockets are not available on this platform.
#[cfg(not(unix))]
pub(crate) async fn connect_unix(
    path: &str,
    _config: &TransportConfig,
) -> Result<Connected, TransportError> {
    Err(TransportError::InvalidUrl {
        url: format!("unix://{path}"),
        reason: "Unix sockets are not supported here".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn handshake_negotiates_and_refuses() {
        let (mut client, mut server) = tokio::io::duplex(64);
        let server_task = tokio::spawn(async move {
            server_handshake(&mut server, &[Serializer::Cbor], 1 << 20).await
        });
        let peer_max = client_handshake(&mut client, Serializer::Cbor, 4096)
            .await
            .unwrap();
        assert_eq!(peer_max, 1 << 20);
        let (serializer, client_max) = server_task.await.unwrap().unwrap();
        assert_eq!((serializer, client_max), (Serializer::Cbor, 4096));

        let (mut client, mut server) = tokio::io::duplex(64);
        let server_task = tokio::spawn(async move {
            server_handshake(&mut server, &[Serializer::Json], 1 << 20).await
        });
        let err = client_handshake(&mut client, Serializer::MsgPack, 4096)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            TransportError::RawSocketHandshake(HandshakeError::SerializerUnsupported)
        ));
        assert!(server_task.await.unwrap().is_err());
    }
}
