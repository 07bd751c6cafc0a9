//! WAMP over RawSocket (`tcp://`, `tcps://`, `unix://`): a 4-octet handshake that picks the
//! serializer and each side's maximum message length (2^9..2^24), then length-prefixed frames
//! of three kinds: a WAMP message, PING and PONG.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use futures::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder, Framed};

use super::{Connected, Heartbeat, Keepalive, TransportConfig, TransportError};
use crate::message::Message;
use crate::serializer::Serializer;

/// The first octet of every RawSocket handshake.
pub const MAGIC: u8 = 0x7F;

/// The largest message length a RawSocket handshake can announce: 2^24 octets.
pub const MAX_LENGTH: usize = 1 << 24;

/// Why a RawSocket handshake failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// The router does not speak the requested serializer (error code 1).
    #[error("the router does not support the serializer")]
    SerializerUnsupported,
    /// The router does not accept the announced maximum length (error code 2).
    #[error("the router does not accept the announced maximum message length")]
    MaxLengthUnacceptable,
    /// The router refused reserved bits (error code 3).
    #[error("the router refused the use of reserved bits")]
    ReservedBitsUsed,
    /// The router has too many connections (error code 4).
    #[error("the router has reached its maximum connection count")]
    MaxConnectionCount,
    /// The router sent an error code the spec does not define.
    #[error("the router sent the undefined error code {0}")]
    UnknownErrorCode(u8),
    /// The reply did not start with 0x7F.
    #[error("the reply does not start with 0x7F (got {0:#04x}): not a RawSocket peer")]
    BadMagic(u8),
    /// The reply named another serializer than the one requested.
    #[error("the router answered serializer {got}, not the requested {requested}")]
    SerializerMismatch {
        /// The serializer number requested.
        requested: u8,
        /// The serializer number answered.
        got: u8,
    },
    /// The reply's reserved octets were not zero.
    #[error("the reply's reserved octets are not zero")]
    ReservedNotZero,
}

impl HandshakeError {
    /// The error code a router sends for this refusal, if it is one of the spec's.
    pub fn code(&self) -> Option<u8> {
        match self {
            HandshakeError::SerializerUnsupported => Some(1),
            HandshakeError::MaxLengthUnacceptable => Some(2),
            HandshakeError::ReservedBitsUsed => Some(3),
            HandshakeError::MaxConnectionCount => Some(4),
            _ => None,
        }
    }
}

/// The length exponent `e` (maximum `2^(9+e)`) announcing at least `max` octets, capped at 2^24.
pub fn length_exponent(max: usize) -> u8 {
    // The largest power of two that is not above `max`: a peer that sends up to what was
    // announced is never refused, since this side accepts up to `max`. Below 512 octets (the
    // smallest the protocol can say) the announcement is 512; see `accepted_length`.
    (0u8..=15)
        .rev()
        .find(|e| (1usize << (9 + e)) <= max)
        .unwrap_or(0)
}

/// What a side that announced [`length_exponent`]`(max)` accepts: `max`, or the announced
/// 512 octets when `max` is smaller, so that it never refuses what it announced.
pub fn accepted_length(max: usize) -> usize {
    max.max(length_from_exponent(length_exponent(max)))
}

/// The maximum length announced by exponent `e`.
pub fn length_from_exponent(e: u8) -> usize {
    1usize << (9 + usize::from(e.min(15)))
}

/// Runs the client side of the handshake; answers the router's maximum message length.
pub async fn client_handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    serializer: Serializer,
    max_message_size: usize,
) -> Result<usize, TransportError> {
    let requested = serializer.rawsocket_id();
    stream
        .write_all(&[
            MAGIC,
            (length_exponent(max_message_size) << 4) | requested,
            0,
            0,
        ])
        .await?;
    stream.flush().await?;
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).await?;
    let [magic, second, r1, r2] = reply;
    let refused = |e| TransportError::RawSocketHandshake(e);
    if magic != MAGIC {
        return Err(refused(HandshakeError::BadMagic(magic)));
    }
    let (high, low) = (second >> 4, second & 0x0F);
    if low == 0 {
        return Err(refused(match high {
            1 => HandshakeError::SerializerUnsupported,
            2 => HandshakeError::MaxLengthUnacceptable,
            3 => HandshakeError::ReservedBitsUsed,
            4 => HandshakeError::MaxConnectionCount,
            code => HandshakeError::UnknownErrorCode(code),
        }));
    }
    if low != requested {
        return Err(refused(HandshakeError::SerializerMismatch {
            requested,
            got: low,
        }));
    }
    if r1 != 0 || r2 != 0 {
        return Err(refused(HandshakeError::ReservedNotZero));
    }
    Ok(length_from_exponent(high))
}

/// Refuses a client's handshake with `refusal` (for example
/// [`HandshakeError::MaxConnectionCount`]): reads its request, answers the error code, and
/// leaves the stream to be closed. A request that is not RawSocket gets no answer.
pub async fn refuse_handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    refusal: HandshakeError,
) -> Result<(), TransportError> {
    let mut request = [0u8; 4];
    stream.read_exact(&mut request).await?;
    if request[0] != MAGIC {
        return Err(TransportError::RawSocketHandshake(
            HandshakeError::BadMagic(request[0]),
        ));
    }
    let code = refusal.code().unwrap_or(1);
    stream.write_all(&[MAGIC, code << 4, 0, 0]).await?;
    stream.flush().await?;
    Ok(())
}

/// Runs the listener side of the handshake: reads the client's request, answers with `accept`'s
/// verdict. Answers the serializer and the client's maximum message length.
pub async fn server_handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    supported: &[Serializer],
    max_message_size: usize,
) -> Result<(Serializer, usize), TransportError> {
    let mut request = [0u8; 4];
    stream.read_exact(&mut request).await?;
    let [magic, second, r1, r2] = request;
    if magic != MAGIC {
        // Not a RawSocket client: the spec says to close without answering.
        return Err(TransportError::RawSocketHandshake(
            HandshakeError::BadMagic(magic),
        ));
    }
    let (exponent, id) = (second >> 4, second & 0x0F);
    let refusal = if r1 != 0 || r2 != 0 {
        Some(HandshakeError::ReservedBitsUsed)
    } else {
        match Serializer::from_rawsocket_id(id) {
            Some(s) if supported.contains(&s) => None,
            _ => Some(HandshakeError::SerializerUnsupported),
        }
    };
    match (refusal, Serializer::from_rawsocket_id(id)) {
        (None, Some(serializer)) => {
            stream
                .write_all(&[MAGIC, (length_exponent(max_message_size) << 4) | id, 0, 0])
                .await?;
            stream.flush().await?;
            Ok((serializer, length_from_exponent(exponent)))
        }
        (refusal, _) => {
            let refusal = refusal.unwrap_or(HandshakeError::SerializerUnsupported);
            let code = refusal.code().unwrap_or(1);
            stream.write_all(&[MAGIC, code << 4, 0, 0]).await?;
            stream.flush().await?;
            Err(TransportError::RawSocketHandshake(refusal))
        }
    }
}

/// The kind of a RawSocket frame (the low three bits of its first octet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// A serialized WAMP message.
    Message = 0,
    /// A PING; the peer answers with a PONG carrying the same payload.
    Ping = 1,
    /// A PONG answering a PING.
    Pong = 2,
}

/// One RawSocket frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// What the frame carries.
    pub kind: FrameKind,
    /// The payload.
    pub payload: Bytes,
}

/// Frames RawSocket bytes, refusing frames longer than `max_in` before reading them.
#[derive(Debug, Clone)]
pub struct FrameCodec {
    max_in: usize,
    max_out: usize,
}

impl FrameCodec {
    /// A codec accepting frames up to `max_in` octets and sending frames up to `max_out`.
    pub fn new(max_in: usize, max_out: usize) -> Self {
        Self {
            max_in,
            max_out: max_out.min(MAX_LENGTH - 1),
        }
    }
}

impl Decoder for FrameCodec {
    type Item = Frame;
    type Error = TransportError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, TransportError> {
        let Some(&[first, l1, l2, l3]) = src.get(..4) else {
            return Ok(None);
        };
        let len = (usize::from(l1) << 16) | (usize::from(l2) << 8) | usize::from(l3);
        if first & 0xF8 != 0 {
            return Err(TransportError::RawSocketFraming(format!(
                "reserved bits set in frame header {first:#04x}"
            )));
        }
        let kind = match first & 0x07 {
            0 => FrameKind::Message,
            1 => FrameKind::Ping,
            2 => FrameKind::Pong,
            other => {
                return Err(TransportError::RawSocketFraming(format!(
                    "reserved frame type {other}"
                )))
            }
        };
        // PING and PONG payloads are bounded like messages: a peer cannot make this side
        // buffer more than it announced.
        if len > self.max_in {
            return Err(TransportError::MessageTooLarge {
                size: len,
                max: self.max_in,
            });
        }
        if src.len() < 4 + len {
            src.reserve(4 + len - src.len());
            return Ok(None);
        }
        src.advance(4);
        Ok(Some(Frame {
            kind,
            payload: src.split_to(len).freeze(),
        }))
    }
}

impl Encoder<Frame> for FrameCodec {
    type Error = TransportError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), TransportError> {
        let len = frame.payload.len();
        if len > self.max_out {
            return Err(TransportError::OutgoingTooLarge {
                size: len,
                max: self.max_out,
            });
        }
        dst.reserve(4 + len);
        dst.put_u8(frame.kind as u8);
        // `len` fits in 24 bits: `max_out` is below 2^24.
        dst.put_uint(len as u64, 3);
        dst.extend_from_slice(&frame.payload);
        Ok(())
    }
}

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

    #[test]
    fn exponents_cover_the_spec_range() {
        assert_eq!(length_exponent(0), 0);
        assert_eq!(length_exponent(512), 0);
        // Never more than this side accepts (spec deviation 4: announcing the power of two
        // above the limit made the router refuse messages within what it announced).
        assert_eq!(length_exponent(513), 0);
        assert_eq!(length_exponent(1023), 0);
        assert_eq!(length_exponent(1024), 1);
        assert_eq!(length_exponent(100_000), 7);
        for max in [0, 100, 512, 513, 100_000, 1 << 24, usize::MAX] {
            let announced = length_from_exponent(length_exponent(max));
            assert!(accepted_length(max) >= announced, "{max}");
        }
        assert_eq!(accepted_length(100), 512);
        assert_eq!(accepted_length(100_000), 100_000);
        assert_eq!(length_exponent(1 << 24), 15);
        assert_eq!(length_exponent(usize::MAX), 15);
        assert_eq!(length_from_exponent(15), 1 << 24);
    }

    #[test]
    fn codec_refuses_oversized_and_reserved_frames_before_reading_them() {
        let mut codec = FrameCodec::new(1024, 1024);
        let mut big = BytesMut::from(&[0u8, 0, 8, 0][..]);
        assert!(matches!(
            codec.decode(&mut big),
            Err(TransportError::MessageTooLarge {
                size: 2048,
                max: 1024
            })
        ));
        let mut reserved = BytesMut::from(&[3u8, 0, 0, 0][..]);
        assert!(matches!(
            codec.decode(&mut reserved),
            Err(TransportError::RawSocketFraming(_))
        ));
        let mut high_bits = BytesMut::from(&[0x10u8, 0, 0, 0][..]);
        assert!(codec.decode(&mut high_bits).is_err());
    }

    /// Hostile input: a PING (or PONG) announcing a payload over the negotiated maximum is
    /// refused from its header, before anything is buffered (it was read whole before).
    #[test]
    fn pings_and_pongs_are_bounded_like_messages() {
        let mut codec = FrameCodec::new(1024, 1024);
        for kind in [1u8, 2] {
            let mut big = BytesMut::from(&[kind, 0xFF, 0xFF, 0xFF][..]);
            assert!(matches!(
                codec.decode(&mut big),
                Err(TransportError::MessageTooLarge {
                    size: 0xFF_FFFF,
                    max: 1024
                })
            ));
        }
        let mut ok = BytesMut::from(&[1u8, 0, 0, 3, b'a', b'b', b'c'][..]);
        assert!(matches!(codec.decode(&mut ok), Ok(Some(f)) if f.kind == FrameKind::Ping));
    }

    #[test]
    fn codec_round_trips_and_waits_for_whole_frames() {
        let mut codec = FrameCodec::new(1024, 1024);
        let mut buf = BytesMut::new();
        codec
            .encode(
                Frame {
                    kind: FrameKind::Ping,
                    payload: Bytes::from_static(b"abc"),
                },
                &mut buf,
            )
            .unwrap();
        assert_eq!(&buf[..], &[1, 0, 0, 3, b'a', b'b', b'c']);
        let mut partial = BytesMut::from(&buf[..5]);
        assert_eq!(codec.decode(&mut partial).unwrap(), None);
        let frame = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(frame.kind, FrameKind::Ping);
        assert_eq!(&frame.payload[..], b"abc");
        let too_big = Frame {
            kind: FrameKind::Message,
            payload: Bytes::from(vec![0; 2000]),
        };
        assert!(matches!(
            codec.encode(too_big, &mut buf),
            Err(TransportError::OutgoingTooLarge { .. })
        ));
    }

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
