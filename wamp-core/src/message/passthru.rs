//! Payload Passthru Mode: payloads the router forwards without looking inside
//! (wamp-proto `rfc/text/advanced/payload_passthru_mode.md`).
//!
//! Two dialects are in use, and this crate speaks both:
//!
//! - [`Dialect::Ppt`], the spec's: `ppt_scheme`, `ppt_serializer`, `ppt_cipher`, `ppt_keyid`
//!   in `Options`/`Details`, the payload as *one binary item inside* `Arguments|list`, announced
//!   as `payload_passthru_mode`. nexus and connectanum speak it.
//! - [`Dialect::Transparent`], Autobahn's and Crossbar.io's older "payload transparency":
//!   `enc_algo`, `enc_serializer`, `enc_key`, the payload as bare binary *in place of*
//!   `Arguments|list`, announced as `payload_transparency`. WAMP-cryptobox end-to-end encryption
//!   travels this way, and it is the only dialect Crossbar.io 26.10.1 forwards: it drops the
//!   `ppt_*` keys of the spec's dialect (so the callee gets `args = [bytes]` and no scheme).
//!
//! A message in either dialect holds [`Payload::Passthru`](super::Payload); its attributes stay
//! in the message's `Options`/`Details`, and the encoder writes the payload in the shape the
//! attributes' dialect calls for.

use super::{keys, Arguments, Feature, Payload};
use crate::value::{Dict, Value};

/// The schemes (`ppt_scheme` / `enc_algo` values) this crate gives a meaning to.
pub mod schemes {
    /// WAMP-cryptobox end-to-end encryption, Autobahn's dialect (see [`crate::cryptobox`]).
    pub const CRYPTOBOX: &str = "cryptobox";
    /// The spec's end-to-end encryption scheme (`ppt_scheme = "wamp"`).
    pub const WAMP: &str = "wamp";
    /// An MQTT payload carried through WAMP.
    pub const MQTT: &str = "mqtt";
}

/// The serializer names of `ppt_serializer` / `enc_serializer`.
pub mod serializers {
    /// JSON (WAMP-cryptobox's plaintext).
    pub const JSON: &str = "json";
    /// MessagePack.
    pub const MSGPACK: &str = "msgpack";
    /// CBOR.
    pub const CBOR: &str = "cbor";
    /// The payload as the application gave it, not serialized again (the spec's dialect).
    pub const NATIVE: &str = "native";
}

/// Which Payload Passthru dialect a message uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// The spec's `ppt_*` attributes, the payload as `[bytes]`.
    Ppt,
    /// Autobahn's and Crossbar.io's `enc_*` attributes, the payload as bare bytes.
    Transparent,
}

impl Dialect {
    /// The dialect the attributes of a CALL, YIELD, ERROR, PUBLISH, INVOCATION, RESULT or EVENT
    /// announce: `ppt_scheme` as a non-empty string (the spec's test), or `enc_algo`.
    pub fn of(attributes: &Dict) -> Option<Dialect> {
        let present = |key| {
            attributes
                .get(key)
                .and_then(Value::as_text)
                .is_some_and(|s| !s.is_empty())
        };
        if present(keys::PPT_SCHEME) {
            Some(Dialect::Ppt)
        } else if present(keys::ENC_ALGO) {
            Some(Dialect::Transparent)
        } else {
            None
        }
    }

    /// The attribute keys of the dialect: scheme, serializer, (cipher,) key ID.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Dialect::Ppt => &[
                keys::PPT_SCHEME,
                keys::PPT_SERIALIZER,
                keys::PPT_CIPHER,
                keys::PPT_KEYID,
            ],
            Dialect::Transparent => &[keys::ENC_ALGO, keys::ENC_SERIALIZER, keys::ENC_KEY],
        }
    }

    /// The feature a peer announces to send and receive the dialect.
    pub fn feature(self) -> Feature {
        match self {
            Dialect::Ppt => Feature::PayloadPassthruMode,
            Dialect::Transparent => Feature::PayloadTransparency,
        }
    }
}

/// Copies the passthru attributes of `from` (whichever dialect) into `to`, unchanged: what a
/// router does from CALL to INVOCATION, YIELD to RESULT, ERROR to ERROR and PUBLISH to EVENT.
pub fn forward(from: &Dict, to: &mut Dict) {
    let Some(dialect) = Dialect::of(from) else {
        return;
    };
    for key in dialect.keys() {
        if let Some(value) = from.get(*key) {
            to.insert((*key).into(), value.clone());
        }
    }
}

/// A passthru payload with its attributes, as an application sends or receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passthru {
    /// The dialect the payload travels in.
    pub dialect: Dialect,
    /// `ppt_scheme` (`wamp`, `mqtt`, `x_...`) or `enc_algo` (`cryptobox`, `mqtt`, `xbr`,
    /// `x_...`).
    pub scheme: String,
    /// `ppt_serializer` or `enc_serializer`: how the bytes were serialized, if said.
    pub serializer: Option<String>,
    /// `ppt_cipher` (the spec's dialect only): how the bytes were encrypted, if they were.
    pub cipher: Option<String>,
    /// `ppt_keyid` or `enc_key`: which key encrypted them, if said.
    pub keyid: Option<String>,
    /// The payload, which the router forwards byte for byte.
    pub payload: Vec<u8>,
}

impl Passthru {
    /// A payload in the spec's dialect under `scheme` (`mqtt`, `wamp` or an `x_...` value).
    pub fn new(scheme: impl Into<String>, payload: impl Into<Vec<u8>>) -> Self {
        Self::in_dialect(Dialect::Ppt, scheme, payload)
    }

    /// A payload in Autobahn's and Crossbar.io's dialect under `enc_algo` (`mqtt`, `x_...`;
    /// `cryptobox` is what WAMP-cryptobox end-to-end encryption writes).
    pub fn transparent(algo: impl Into<String>, payload: impl Into<Vec<u8>>) -> Self {
        Self::in_dialect(Dialect::Transparent, algo, payload)
    }

    fn in_dialect(
        dialect: Dialect,
        scheme: impl Into<String>,
        payload: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            dialect,
            scheme: scheme.into(),
            serializer: None,
            cipher: None,
            keyid: None,
            payload: payload.into(),
        }
    }

    /// Says how the payload was serialized (`json`, `msgpack`, `cbor`, `native`...).
    pub fn serializer(mut self, serializer: impl Into<String>) -> Self {
        self.serializer = Some(serializer.into());
        self
    }

    /// Says how the payload was encrypted (`xsalsa20poly1305`, `aes256gcm`); the spec's dialect
    /// only (Autobahn's has no such attribute, and it is not sent there).
    pub fn cipher(mut self, cipher: impl Into<String>) -> Self {
        self.cipher = Some(cipher.into());
        self
    }

    /// Says which key encrypted the payload.
    pub fn keyid(mut self, keyid: impl Into<String>) -> Self {
        self.keyid = Some(keyid.into());
        self
    }

    /// Writes the attributes into a message's `Options` or `Details`.
    pub fn write_attributes(&self, attributes: &mut Dict) {
        let keys = self.dialect.keys();
        let mut put = |key: &str, value: &Option<String>| {
            if let Some(v) = value {
                attributes.insert(key.into(), Value::Text(v.clone()));
            }
        };
        match self.dialect {
            Dialect::Ppt => {
                put(keys::PPT_SCHEME, &Some(self.scheme.clone()));
                put(keys::PPT_SERIALIZER, &self.serializer);
                put(keys::PPT_CIPHER, &self.cipher);
                put(keys::PPT_KEYID, &self.keyid);
            }
            Dialect::Transparent => {
                put(keys::ENC_ALGO, &Some(self.scheme.clone()));
                put(keys::ENC_SERIALIZER, &self.serializer);
                put(keys::ENC_KEY, &self.keyid);
            }
        }
        debug_assert!(keys.iter().any(|k| attributes.contains_key(*k)));
    }

    /// Splits a received payload into its arguments (empty for a passthru payload) and the
    /// passthru payload with its attributes, if it is one.
    pub fn split(attributes: &Dict, payload: Payload) -> (Arguments, Option<Passthru>) {
        match payload {
            Payload::Arguments(a) => (a, None),
            // The decoder admits binary payloads only under a dialect's attributes.
            Payload::Passthru(bytes) => (
                Arguments::default(),
                Some(Passthru::read(attributes, bytes)),
            ),
        }
    }

    /// Reads a passthru payload from a message's attributes and its payload bytes. Attributes
    /// that announce no dialect (which the decoder does not let through) read as Autobahn's
    /// dialect with an empty scheme.
    pub fn read(attributes: &Dict, payload: Vec<u8>) -> Self {
        let dialect = Dialect::of(attributes).unwrap_or(Dialect::Transparent);
        let text = |key: &str| {
            attributes
                .get(key)
                .and_then(Value::as_text)
                .map(str::to_owned)
        };
        let [scheme, serializer, cipher, keyid] = match dialect {
            Dialect::Ppt => [
                keys::PPT_SCHEME,
                keys::PPT_SERIALIZER,
                keys::PPT_CIPHER,
                keys::PPT_KEYID,
            ]
            .map(text),
            Dialect::Transparent => [keys::ENC_ALGO, keys::ENC_SERIALIZER, "", keys::ENC_KEY]
                .map(|k| if k.is_empty() { None } else { text(k) }),
        };
        Self {
            dialect,
            scheme: scheme.unwrap_or_default(),
            serializer,
            cipher,
            keyid,
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_round_trip_in_both_dialects() {
        for p in [
            Passthru::new("x_test", vec![1, 2])
                .serializer("cbor")
                .cipher("xsalsa20poly1305")
                .keyid("k1"),
            Passthru::transparent("cryptobox", vec![3]).serializer("json"),
        ] {
            let mut attributes = Dict::new();
            p.write_attributes(&mut attributes);
            assert_eq!(Dialect::of(&attributes), Some(p.dialect));
            assert_eq!(Passthru::read(&attributes, p.payload.clone()), p);
        }
    }

    #[test]
    fn an_empty_scheme_is_no_passthru_and_forward_copies_one_dialect() {
        let mut a = Dict::new();
        a.insert(keys::PPT_SCHEME.into(), Value::from(""));
        assert_eq!(Dialect::of(&a), None);
        a.insert(keys::ENC_ALGO.into(), Value::from("cryptobox"));
        a.insert(keys::ENC_SERIALIZER.into(), Value::from("json"));
        a.insert("other".into(), Value::from(1));
        let mut to = Dict::new();
        forward(&a, &mut to);
        assert_eq!(to.len(), 2);
        assert_eq!(to.get(keys::ENC_ALGO), Some(&Value::from("cryptobox")));
    }
}
