//! RawSocket framing: a type octet and a 24-bit length before each payload; messages, PING and
//! PONG, each bounded by the negotiated maximum.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::MAX_LENGTH;
use crate::transport::TransportError;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
