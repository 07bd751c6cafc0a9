//! The three serializers of the Basic Profile: JSON, MessagePack and CBOR.
//!
//! JSON is always there; MessagePack and CBOR come with the cargo features `msgpack` and `cbor`
//! (on by default). The enum names all three in every build; [`Serializer::ALL`] lists those
//! this build supports, and the others answer a typed error.
//!
//! A serializer turns a [`Message`] into bytes and back. Decoding refuses anything that is not a
//! well-formed message of the spec with a [`DecodeError`]; nothing here panics on input.

use serde::de::DeserializeSeed;

use crate::message::{Message, ProtocolViolation, WireMessage};
use crate::value::WireValueSeed;

/// A WAMP serializer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Serializer {
    /// `wamp.2.json`: text frames; binary values as `\0`-prefixed base64 strings.
    Json,
    /// `wamp.2.msgpack`: MessagePack (version 5, with a binary type).
    MsgPack,
    /// `wamp.2.cbor`: CBOR (RFC 8949).
    Cbor,
}

/// A message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not valid in the serialization format.
    #[error("malformed {serializer:?} data: {reason}")]
    Malformed {
        /// The serializer in use.
        serializer: Serializer,
        /// What the parser said.
        reason: String,
    },
    /// The bytes decode, but not to a valid WAMP message.
    #[error(transparent)]
    Protocol(#[from] ProtocolViolation),
}

/// A message could not be encoded (for example a NaN float under JSON, or a map key that JSON
/// cannot represent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode {message} with {serializer:?}: {reason}")]
pub struct EncodeError {
    /// The serializer in use.
    pub serializer: Serializer,
    /// The message type.
    pub message: &'static str,
    /// What the encoder said.
    pub reason: String,
}

impl Serializer {
    /// Every serializer this build supports, in the order a client offers them by default.
    pub const ALL: &'static [Serializer] = &[
        #[cfg(feature = "msgpack")]
        Serializer::MsgPack,
        #[cfg(feature = "cbor")]
        Serializer::Cbor,
        Serializer::Json,
    ];

    /// Whether this build supports the serializer (see the cargo features).
    pub fn is_supported(self) -> bool {
        Self::ALL.contains(&self)
    }

    /// The short name configuration uses: `json`, `msgpack` or `cbor`.
    pub fn name(self) -> &'static str {
        match self {
            Serializer::Json => "json",
            Serializer::MsgPack => "msgpack",
            Serializer::Cbor => "cbor",
        }
    }

    /// The serializer a short name names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// The WebSocket subprotocol name (`wamp.2.json`...).
    pub fn subprotocol(self) -> &'static str {
        match self {
            Serializer::Json => "wamp.2.json",
            Serializer::MsgPack => "wamp.2.msgpack",
            Serializer::Cbor => "wamp.2.cbor",
        }
    }

    /// The serializer for a WebSocket subprotocol name.
    pub fn from_subprotocol(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.subprotocol() == name)
    }

    /// The RawSocket serializer number (1 JSON, 2 MessagePack, 3 CBOR).
    pub fn rawsocket_id(self) -> u8 {
        match self {
            Serializer::Json => 1,
            Serializer::MsgPack => 2,
            Serializer::Cbor => 3,
        }
    }

    /// The serializer for a RawSocket serializer number.
    pub fn from_rawsocket_id(id: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.rawsocket_id() == id)
    }

    /// Whether the encoding is binary (WebSocket binary frames) rather than text.
    pub fn is_binary(self) -> bool {
        !matches!(self, Serializer::Json)
    }

    /// Encodes a message.
    pub fn encode(self, message: &Message) -> Result<Vec<u8>, EncodeError> {
        let wire = WireMessage {
            message,
            json: self == Serializer::Json,
        };
        let result = match self {
            Serializer::Json => serde_json::to_vec(&wire).map_err(|e| e.to_string()),
            #[cfg(feature = "msgpack")]
            Serializer::MsgPack => rmp_serde::to_vec(&wire).map_err(|e| e.to_string()),
            #[cfg(feature = "cbor")]
            Serializer::Cbor => {
                let mut out = Vec::with_capacity(128);
                ciborium::into_writer(&wire, &mut out)
                    .map(|()| out)
                    .map_err(|e| e.to_string())
            }
            #[allow(unreachable_patterns)]
            _ => Err(self.not_compiled()),
        };
        result.map_err(|reason| EncodeError {
            serializer: self,
            message: message.name(),
            reason,
        })
    }

    /// Encodes a message as text: JSON's, which a WebSocket text frame carries. serde_json
    /// writes valid UTF-8, so the text is not checked again; a binary serializer's bytes are.
    pub fn encode_text(self, message: &Message) -> Result<String, EncodeError> {
        let text = match self {
            Serializer::Json => serde_json::to_string(&WireMessage {
                message,
                json: true,
            })
            .map_err(|e| e.to_string()),
            _ => String::from_utf8(self.encode(message)?).map_err(|e| e.to_string()),
        };
        text.map_err(|reason| EncodeError {
            serializer: self,
            message: message.name(),
            reason,
        })
    }

    /// Decodes a message from text already known to be UTF-8 (a WebSocket text frame, which
    /// the WebSocket layer has checked): JSON's strings are then not checked again.
    pub fn decode_text(self, text: &str) -> Result<Message, DecodeError> {
        if self != Serializer::Json {
            return self.decode(text.as_bytes());
        }
        let value = decode_json(serde_json::Deserializer::from_str(text))?;
        Ok(Message::from_wire(value)?)
    }

    /// Decodes a message.
    pub fn decode(self, bytes: &[u8]) -> Result<Message, DecodeError> {
        let malformed = |reason: String| DecodeError::Malformed {
            serializer: self,
            reason,
        };
        let value = match self {
            Serializer::Json => decode_json(serde_json::Deserializer::from_slice(bytes))?,
            #[cfg(feature = "msgpack")]
            Serializer::MsgPack => {
                let mut reader = bytes;
                let mut de = rmp_serde::Deserializer::new(&mut reader);
                let value = WireValueSeed::new(false)
                    .deserialize(&mut de)
                    .map_err(|e| malformed(e.to_string()))?;
                if !reader.is_empty() {
                    return Err(malformed("trailing bytes after the message".into()));
                }
                value
            }
            #[cfg(feature = "cbor")]
            Serializer::Cbor => {
                let mut reader = bytes;
                let BinaryValue(value) =
                    ciborium::from_reader(&mut reader).map_err(|e| malformed(format!("{e}")))?;
                if !reader.is_empty() {
                    return Err(malformed("trailing bytes after the message".into()));
                }
                value
            }
            #[allow(unreachable_patterns)]
            _ => return Err(malformed(self.not_compiled())),
        };
        Ok(Message::from_wire(value)?)
    }

    /// Why a serializer this build leaves out cannot be used.
    #[allow(dead_code)]
    fn not_compiled(self) -> String {
        format!(
            "{} is not compiled in (cargo feature `{}` of wamp-core)",
            self.subprotocol(),
            self.name()
        )
    }
}

/// A message's JSON value tree, from bytes or from text, and nothing after it.
fn decode_json<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<crate::Value, DecodeError> {
    let malformed = |e: serde_json::Error| DecodeError::Malformed {
        serializer: Serializer::Json,
        reason: e.to_string(),
    };
    let value = WireValueSeed::new(true)
        .deserialize(&mut de)
        .map_err(malformed)?;
    de.end().map_err(malformed)?;
    Ok(value)
}

/// A [`crate::Value`] read from a binary format, for readers that take a type rather than a seed.
#[cfg(feature = "cbor")]
struct BinaryValue(crate::Value);

#[cfg(feature = "cbor")]
impl<'de> serde::Deserialize<'de> for BinaryValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        WireValueSeed::new(false).deserialize(d).map(BinaryValue)
    }
}

impl std::fmt::Display for Serializer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.subprotocol())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::message::{Arguments, Call, Payload};
    use crate::value::{Dict, Value};

    fn sample() -> Message {
        let mut kwargs = Dict::new();
        kwargs.insert("blob".into(), Value::Bytes(vec![0, 159, 146, 150]));
        Message::Call(Call {
            request: 1 << 53,
            options: Dict::new(),
            procedure: "com.app.add".into(),
            payload: Payload::Arguments(Arguments::new(
                vec![Value::from(-3), Value::Float(1.5)],
                kwargs,
            )),
        })
    }

    #[test]
    fn every_serializer_round_trips_binary_and_large_ids() {
        for &s in Serializer::ALL {
            let bytes = s.encode(&sample()).unwrap();
            assert_eq!(s.decode(&bytes).unwrap(), sample(), "{s}");
        }
    }

    /// Text in and out (a WebSocket text frame's JSON) is the same message as bytes, escapes and
    /// text beyond ASCII included; text that is not JSON is an error, not a panic.
    #[test]
    fn text_round_trips_as_bytes_do() {
        let mut message = sample();
        if let Message::Call(call) = &mut message {
            call.procedure = "com.app.größe".into();
            if let Payload::Arguments(a) = &mut call.payload {
                a.args
                    .push(Value::Text("\u{1F600} \"quoted\" \u{7}".into()));
            }
        }
        for &s in Serializer::ALL {
            let text = s.encode_text(&message);
            if s != Serializer::Json {
                // msgpack and CBOR bytes are not text.
                assert!(text.is_err(), "{s}");
                continue;
            }
            let text = text.unwrap();
            assert_eq!(text.as_bytes(), s.encode(&message).unwrap());
            assert_eq!(s.decode_text(&text).unwrap(), message);
        }
        for bad in ["", "[", "[48, 1, {}, \"a.b\"] x", "\"\\ud800\""] {
            assert!(Serializer::Json.decode_text(bad).is_err(), "{bad:?}");
        }
    }

    /// Each passthru dialect in its own shape: the spec's `[bytes]`, Autobahn's bare bytes (the
    /// JSON is what autobahn-python 26.11.1 writes for the same CALL); both read back.
    #[test]
    fn passthru_payloads_take_their_dialects_shape_in_json() {
        use crate::message::Passthru;
        let call = |p: &Passthru| {
            let mut options = Dict::new();
            p.write_attributes(&mut options);
            Message::Call(Call {
                request: 1,
                options,
                procedure: "com.x".into(),
                payload: Payload::Passthru(p.payload.clone()),
            })
        };
        let transparent = Passthru::transparent("cryptobox", vec![1, 2, 3]).serializer("json");
        let spec = Passthru::new("x_test", vec![1, 2, 3]);
        for (p, json) in [
            (
                &transparent,
                r#"[48,1,{"enc_algo":"cryptobox","enc_serializer":"json"},"com.x","\u0000AQID"]"#,
            ),
            (
                &spec,
                r#"[48,1,{"ppt_scheme":"x_test"},"com.x",["\u0000AQID"]]"#,
            ),
        ] {
            let bytes = Serializer::Json.encode(&call(p)).unwrap();
            assert_eq!(std::str::from_utf8(&bytes).unwrap(), json);
            for &s in Serializer::ALL {
                let bytes = s.encode(&call(p)).unwrap();
                assert_eq!(s.decode(&bytes).unwrap(), call(p), "{s}");
            }
        }
        // The spec's dialect with anything but one binary item is malformed.
        let bad = r#"[48,1,{"ppt_scheme":"x_test"},"com.x",[1,2]]"#;
        assert!(Serializer::Json.decode(bad.as_bytes()).is_err());
        // A plain JSON string payload under the spec's dialect is not bytes either.
        let text = r#"[48,1,{"ppt_scheme":"x_test"},"com.x",["AQID"]]"#;
        assert!(Serializer::Json.decode(text.as_bytes()).is_err());
    }

    #[test]
    fn garbage_is_a_typed_error_not_a_panic() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"[",
            b"\xff\xff\xff",
            b"[48, 1, {}, \"a.b\"] x",
            b"\x91",
            b"\x9f\xff",
        ];
        for &s in Serializer::ALL {
            for input in inputs {
                assert!(s.decode(input).is_err(), "{s} accepted {input:?}");
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let depth = 100_000;
        let json = format!(
            "[48,1,{{}},\"a.b\",{}{}]",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert!(Serializer::Json.decode(json.as_bytes()).is_err());
        let mut msgpack = vec![0x95, 48, 1, 0x80, 0xa3, b'a', b'.', b'b'];
        msgpack.extend(std::iter::repeat_n(0x91, depth));
        msgpack.push(0xc0);
        assert!(Serializer::MsgPack.decode(&msgpack).is_err());
        let mut cbor = vec![0x85, 0x18, 48, 1, 0xa0, 0x63, b'a', b'.', b'b'];
        cbor.extend(std::iter::repeat_n(0x81, depth));
        cbor.push(0xf6);
        assert!(Serializer::Cbor.decode(&cbor).is_err());
    }
}
