//! The RawSocket handshake: four octets each way that pick the serializer and each side's
//! maximum message length, or refuse with an error code.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::MAGIC;
use crate::serializer::Serializer;
use crate::transport::TransportError;

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
}
