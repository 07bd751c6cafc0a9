//! WAMP-cryptobox: end-to-end encryption of call, result, error and event payloads, so that the
//! router (and anyone reading its logs or subscribing without the key) sees only ciphertext.
//!
//! Wire-compatible with autobahn-python's `autobahn.wamp.cryptobox` (and so with Crossbar.io,
//! which forwards it untouched). Neither the spec's Payload Passthru chapter nor its E2EE draft
//! fixes a format that any peer implements; this is the one in use:
//!
//! - The cipher is NaCl `crypto_box` (X25519, then XSalsa20-Poly1305), from RustCrypto's
//!   `crypto_box`. A [`Key`] holds two boxes: the *originator's* (caller, publisher), made of its
//!   private key and the responder's public key, which seals CALL and PUBLISH and opens RESULT and
//!   ERROR; and the *responder's* (callee, subscriber), which opens INVOCATION and EVENT and seals
//!   YIELD and ERROR. Both sides derive the same shared key.
//! - The plaintext is compact JSON `{"uri":...,"args":[...],"kwargs":{...}}` (binary as
//!   `"\u0000"` + base64), so the receiver checks that the URI it was sealed for is the one it
//!   arrived under. The payload is `nonce (24 bytes) || tag (16) || ciphertext`.
//! - It travels in Autobahn's passthru dialect: `enc_algo = "cryptobox"`,
//!   `enc_serializer = "json"`, no key ID ([`Dialect::Transparent`]).
//! - A [`KeyRing`] finds a key by the longest *character* prefix of the URI (Autobahn's rule: a
//!   key for `com.myapp` also covers `com.myapp2.x`), then its default key. URIs under `wamp.`
//!   are never sealed (Autobahn would seal them with a default key, and the router, which
//!   answers them, could not read them).
//!
//! Set a key ring with [`SessionConfig::key_ring`](crate::session::SessionConfig::key_ring):
//! calls and publications to covered URIs are then sealed, and sealed payloads that arrive are
//! opened before the application sees them.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use crypto_box::aead::{Aead, AeadCore, OsRng};
use crypto_box::{PublicKey, SalsaBox, SecretKey};
use serde::de::DeserializeSeed as _;
use serde::ser::SerializeMap as _;
use serde::Serialize;

use crate::error::{uris, WampError};
use crate::message::passthru::{schemes, serializers, Dialect};
use crate::message::{Arguments, Passthru};
use crate::value::{map_to_dict, Value, WireDict, WireList, WireValueSeed};

const NONCE_LEN: usize = 24;
/// The namespace the spec reserves for the router's own procedures and topics.
const RESERVED: &str = "wamp.";
const TAG_LEN: usize = 16;

/// A key that cannot be used: what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A key is not standard base64.
    #[error("the {which} key is not base64: {reason}")]
    Base64 {
        /// Which key (`originator private`, `responder public`...).
        which: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// A key does not have 32 bytes.
    #[error("the {which} key has {len} bytes, not 32")]
    Length {
        /// Which key.
        which: &'static str,
        /// Its length.
        len: usize,
    },
    /// A public key given with its private key is not that key's.
    #[error("the {which} public key does not belong to its private key")]
    Mismatch {
        /// Whose key (`originator` or `responder`).
        which: &'static str,
    },
    /// The parts given make neither box: one side's private key and the other's public key are
    /// needed at least.
    #[error("a key needs one side's private key and the other side's public key")]
    Incomplete,
}

/// Which end of a call or publication this session is, for a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The caller or publisher: seals CALL and PUBLISH, opens RESULT and ERROR.
    Originator,
    /// The callee or subscriber: opens INVOCATION and EVENT, seals YIELD and ERROR.
    Responder,
}

/// A key for the URIs under one prefix: the originator's box, the responder's box, or both.
pub struct Key {
    originator: Option<SalsaBox>,
    responder: Option<SalsaBox>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("originator", &self.originator.is_some())
            .field("responder", &self.responder.is_some())
            .finish()
    }
}

fn secret(which: &'static str, b64: &str) -> Result<SecretKey, KeyError> {
    Ok(SecretKey::from(raw(which, b64)?))
}

fn public(which: &'static str, b64: &str) -> Result<PublicKey, KeyError> {
    Ok(PublicKey::from(raw(which, b64)?))
}

fn raw(which: &'static str, b64: &str) -> Result<[u8; 32], KeyError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| KeyError::Base64 {
            which,
            reason: e.to_string(),
        })?;
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| KeyError::Length { which, len })
}

/// A side's key pair from what is given: the public key follows from the private one.
fn pair(
    which: &'static str,
    private: Option<&str>,
    public_b64: Option<&str>,
) -> Result<(Option<SecretKey>, Option<PublicKey>), KeyError> {
    let (priv_name, pub_name) = match which {
        "originator" => ("originator private", "originator public"),
        _ => ("responder private", "responder public"),
    };
    let private = private.map(|p| secret(priv_name, p)).transpose()?;
    let given = public_b64.map(|p| public(pub_name, p)).transpose()?;
    let derived = private.as_ref().map(SecretKey::public_key);
    match (derived, given) {
        (Some(d), Some(g)) if d != g => Err(KeyError::Mismatch { which }),
        (Some(d), _) => Ok((private, Some(d))),
        (None, g) => Ok((None, g)),
    }
}

impl Key {
    /// A key from base64 (standard, padded) 32-byte X25519 keys, as autobahn-python's
    /// `Key(originator_priv, originator_pub, responder_priv, responder_pub)` takes them. A public
    /// key may be left out where its private key is given.
    pub fn from_base64(
        originator_private: Option<&str>,
        originator_public: Option<&str>,
        responder_private: Option<&str>,
        responder_public: Option<&str>,
    ) -> Result<Self, KeyError> {
        let (o_priv, o_pub) = pair("originator", originator_private, originator_public)?;
        let (r_priv, r_pub) = pair("responder", responder_private, responder_public)?;
        let originator = match (&o_priv, &r_pub) {
            (Some(s), Some(p)) => Some(SalsaBox::new(p, s)),
            _ => None,
        };
        let responder = match (&r_priv, &o_pub) {
            (Some(s), Some(p)) => Some(SalsaBox::new(p, s)),
            _ => None,
        };
        if originator.is_none() && responder.is_none() {
            return Err(KeyError::Incomplete);
        }
        Ok(Self {
            originator,
            responder,
        })
    }

    /// The key of a caller or publisher: its own private key and the callee's or subscribers'
    /// public key.
    pub fn originator(private: &str, responder_public: &str) -> Result<Self, KeyError> {
        Self::from_base64(Some(private), None, None, Some(responder_public))
    }

    /// The key of a callee or subscriber: its own private key and the caller's or publisher's
    /// public key.
    pub fn responder(private: &str, originator_public: &str) -> Result<Self, KeyError> {
        Self::from_base64(None, Some(originator_public), Some(private), None)
    }

    /// One private key that every peer holds, for both sides (autobahn-python's
    /// `KeyRing.set_key(uri, "<private key>")`).
    pub fn shared(private: &str) -> Result<Self, KeyError> {
        Self::from_base64(Some(private), None, Some(private), None)
    }

    fn salsa_box(&self, side: Side) -> Option<&SalsaBox> {
        match side {
            Side::Originator => self.originator.as_ref(),
            Side::Responder => self.responder.as_ref(),
        }
    }
}

/// A new random key pair, as base64: `(private, public)`.
pub fn generate_keypair() -> (String, String) {
    let secret = SecretKey::generate(&mut OsRng);
    let engine = base64::engine::general_purpose::STANDARD;
    (
        engine.encode(secret.to_bytes()),
        engine.encode(secret.public_key().as_bytes()),
    )
}

/// The base64 public key of a base64 private key.
pub fn public_key(private: &str) -> Result<String, KeyError> {
    let secret = secret("private", private)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(secret.public_key().as_bytes()))
}

/// Keys by URI prefix, with an optional default key for every other URI.
#[derive(Clone, Default)]
pub struct KeyRing {
    keys: BTreeMap<String, Arc<Key>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        f.debug_struct("KeyRing")
            .field("prefixes", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl KeyRing {
    /// An empty key ring: nothing is encrypted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the key for the URIs that start with `prefix`; the prefix `""` sets
    /// the default key.
    pub fn with_key(mut self, prefix: impl Into<String>, key: Key) -> Self {
        self.set_key(prefix, key);
        self
    }

    /// Adds (or replaces) the key for the URIs that start with `prefix`; `""` is the default.
    pub fn set_key(&mut self, prefix: impl Into<String>, key: Key) {
        self.keys.insert(prefix.into(), Arc::new(key));
    }

    /// Removes the key for `prefix`.
    pub fn remove_key(&mut self, prefix: &str) {
        self.keys.remove(prefix);
    }

    /// The key for `uri`: the one with the longest prefix of it (the default key has `""`).
    /// URIs under `wamp.` have none: the router answers those procedures itself (the meta API,
    /// event history, testaments) and must read their arguments.
    fn key(&self, uri: &str) -> Option<&Key> {
        if uri.starts_with(RESERVED) {
            return None;
        }
        (0..=uri.len())
            .rev()
            .find_map(|end| self.keys.get(uri.get(..end)?))
            .map(|k| &**k)
    }

    /// Whether a payload under `uri` on `side` can be sealed (or opened) with this ring.
    pub fn covers(&self, side: Side, uri: &str) -> bool {
        self.key(uri).and_then(|k| k.salsa_box(side)).is_some()
    }

    /// Seals `arguments` for `uri`, or answers `None` when no key covers it on `side`.
    pub fn seal(
        &self,
        side: Side,
        uri: &str,
        arguments: &Arguments,
    ) -> Result<Option<Passthru>, WampError> {
        let Some(salsa) = self.key(uri).and_then(|k| k.salsa_box(side)) else {
            return Ok(None);
        };
        let plaintext = serde_json::to_vec(&Sealed { uri, arguments })
            .map_err(|e| WampError::with_message(uris::INVALID_ARGUMENT, e.to_string()))?;
        let nonce = SalsaBox::generate_nonce(&mut OsRng);
        let sealed = salsa
            .encrypt(&nonce, plaintext.as_slice())
            .map_err(|_| WampError::with_message(uris::RUNTIME_ERROR, "encryption failed"))?;
        let mut payload = Vec::with_capacity(NONCE_LEN + sealed.len());
        payload.extend_from_slice(&nonce);
        payload.extend_from_slice(&sealed);
        Ok(Some(
            Passthru::transparent(schemes::CRYPTOBOX, payload).serializer(serializers::JSON),
        ))
    }

    /// Opens a sealed payload that arrived under `uri`: its arguments, or the error to report
    /// (`wamp.error.encryption.decrypt_error` for a payload that does not open with the key,
    /// `wamp.error.encryption.trusted_uri_mismatch` for one sealed for another URI).
    pub fn open(&self, side: Side, uri: &str, sealed: &Passthru) -> Result<Arguments, WampError> {
        let fail = |message: String| WampError::with_message(uris::DECRYPT_ERROR, message);
        if !is_cryptobox(sealed) {
            return Err(fail(format!(
                "the payload under {uri} is not a cryptobox payload (enc_algo {:?})",
                sealed.scheme
            )));
        }
        let salsa = self
            .key(uri)
            .and_then(|k| k.salsa_box(side))
            .ok_or_else(|| fail(format!("no key opens payloads under {uri}")))?;
        if sealed.payload.len() < NONCE_LEN + TAG_LEN {
            return Err(fail(format!(
                "the payload under {uri} is too short to be sealed"
            )));
        }
        let (nonce, ciphertext) = sealed.payload.split_at(NONCE_LEN);
        let plaintext = salsa.decrypt(nonce.into(), ciphertext).map_err(|_| {
            fail(format!(
                "the payload under {uri} does not open with its key"
            ))
        })?;
        if sealed.serializer.as_deref() != Some(serializers::JSON) {
            return Err(fail(format!(
                "the payload under {uri} is serialized as {:?}; cryptobox uses json",
                sealed.serializer
            )));
        }
        let (inner_uri, arguments) = unpack(&plaintext).map_err(fail)?;
        if inner_uri != uri {
            return Err(WampError::with_message(
                uris::TRUSTED_URI_MISMATCH,
                format!("the payload under {uri} was sealed for {inner_uri}"),
            ));
        }
        Ok(arguments)
    }
}

/// Whether a passthru payload is a WAMP-cryptobox one.
pub fn is_cryptobox(p: &Passthru) -> bool {
    p.dialect == Dialect::Transparent && p.scheme == schemes::CRYPTOBOX
}

/// The plaintext: `{"uri": ..., "args": [...], "kwargs": {...} | null}`, in this order.
struct Sealed<'a> {
    uri: &'a str,
    arguments: &'a Arguments,
}

impl Serialize for Sealed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("uri", self.uri)?;
        map.serialize_entry(
            "args",
            &WireList {
                items: &self.arguments.args,
                json: true,
            },
        )?;
        if self.arguments.kwargs.is_empty() {
            map.serialize_entry("kwargs", &())?;
        } else {
            map.serialize_entry(
                "kwargs",
                &WireDict {
                    dict: &self.arguments.kwargs,
                    json: true,
                },
            )?;
        }
        map.end()
    }
}

/// Reads the plaintext back: the URI it was sealed for and its arguments.
fn unpack(plaintext: &[u8]) -> Result<(String, Arguments), String> {
    let mut de = serde_json::Deserializer::from_slice(plaintext);
    let value = WireValueSeed::new(true)
        .deserialize(&mut de)
        .map_err(|e| format!("the decrypted payload is not JSON: {e}"))?;
    let Value::Map(entries) = value else {
        return Err("the decrypted payload is not a JSON object".into());
    };
    let mut map = map_to_dict(entries).map_err(|e| e.to_string())?;
    let uri = match map.remove("uri") {
        Some(Value::Text(uri)) => uri,
        _ => return Err("the decrypted payload has no \"uri\"".into()),
    };
    let args = match map.remove("args") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(args)) => args,
        Some(_) => return Err("the decrypted \"args\" is not a list".into()),
    };
    let kwargs = match map.remove("kwargs") {
        None | Some(Value::Null) => Default::default(),
        Some(Value::Map(entries)) => map_to_dict(entries).map_err(|e| e.to_string())?,
        Some(_) => return Err("the decrypted \"kwargs\" is not an object".into()),
    };
    Ok((uri, Arguments::new(args, kwargs)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const ORIGINATOR_PRIVATE: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    const ORIGINATOR_PUBLIC: &str = "B6N8vBQgk8i3VdwbEOhstCY3StFqqFPtC9/AsrhtHHw=";
    const RESPONDER_PRIVATE: &str = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";
    const RESPONDER_PUBLIC: &str = "WGmv9FBUlzLLqu1eXfmzCm2jHLDldCutWtShp2jxpns=";

    /// Sealed by PyNaCl's `Box(originator_priv, responder_pub)` with the nonce 0x00..0x17, the
    /// plaintext `{"uri":"com.myapp.add2","args":[2,3],"kwargs":null}`, and opened by
    /// autobahn-python 26.11.1's `KeyRing` on the responder side.
    const AUTOBAHN_SEALED: &str = concat!(
        "000102030405060708090a0b0c0d0e0f1011121314151617",
        "67f101793ea403bb0948b2b8a5822046",
        "69d7ae2b331f47f09a9d2c2d923b70cd0524756207818d19ccfb39ffd17637181b60046e084d2f269fe719af",
        "656a5fce251314"
    );

    fn sealed_by_autobahn() -> Passthru {
        Passthru::transparent("cryptobox", hex::decode(AUTOBAHN_SEALED).unwrap()).serializer("json")
    }

    #[test]
    fn public_keys_follow_from_private_ones() {
        assert_eq!(public_key(ORIGINATOR_PRIVATE).unwrap(), ORIGINATOR_PUBLIC);
        assert_eq!(public_key(RESPONDER_PRIVATE).unwrap(), RESPONDER_PUBLIC);
    }

    #[test]
    fn opens_what_autobahn_sealed_and_seals_what_it_opens() {
        let callee = KeyRing::new().with_key(
            "com.myapp",
            Key::responder(RESPONDER_PRIVATE, ORIGINATOR_PUBLIC).unwrap(),
        );
        let args = callee
            .open(Side::Responder, "com.myapp.add2", &sealed_by_autobahn())
            .unwrap();
        assert_eq!(args.args, vec![Value::from(2), Value::from(3)]);
        assert!(args.kwargs.is_empty());

        // Our own sealing uses a random nonce; the other side's box opens it and the bytes of
        // the plaintext are Autobahn's.
        let caller = KeyRing::new().with_key(
            "com.myapp",
            Key::originator(ORIGINATOR_PRIVATE, RESPONDER_PUBLIC).unwrap(),
        );
        let sealed = caller
            .seal(Side::Originator, "com.myapp.add2", &args)
            .unwrap()
            .unwrap();
        assert_eq!(sealed.payload.len(), AUTOBAHN_SEALED.len() / 2);
        let salsa = callee
            .key("com.myapp.add2")
            .unwrap()
            .salsa_box(Side::Responder);
        let (nonce, ct) = sealed.payload.split_at(NONCE_LEN);
        let plain = salsa.unwrap().decrypt(nonce.into(), ct).unwrap();
        assert_eq!(
            plain,
            br#"{"uri":"com.myapp.add2","args":[2,3],"kwargs":null}"#
        );
    }

    #[test]
    fn a_wrong_key_or_uri_is_a_clear_error() {
        let (other, _) = generate_keypair();
        let wrong =
            KeyRing::new().with_key("com", Key::responder(&other, ORIGINATOR_PUBLIC).unwrap());
        let e = wrong
            .open(Side::Responder, "com.myapp.add2", &sealed_by_autobahn())
            .unwrap_err();
        assert_eq!(e.uri, uris::DECRYPT_ERROR);
        let right = KeyRing::new().with_key(
            "",
            Key::responder(RESPONDER_PRIVATE, ORIGINATOR_PUBLIC).unwrap(),
        );
        let e = right
            .open(Side::Responder, "com.myapp.other", &sealed_by_autobahn())
            .unwrap_err();
        assert_eq!(e.uri, uris::TRUSTED_URI_MISMATCH);
        // A responder-only key cannot seal as the originator.
        assert!(!right.covers(Side::Originator, "com.myapp.add2"));
        assert!(right
            .seal(Side::Originator, "x", &Arguments::default())
            .unwrap()
            .is_none());
    }

    #[test]
    fn the_longest_character_prefix_wins_then_the_default() {
        let (a, _) = generate_keypair();
        let ring = KeyRing::new()
            .with_key("com.myapp", Key::shared(&a).unwrap())
            .with_key("com.myapp.secret", Key::shared(ORIGINATOR_PRIVATE).unwrap());
        let key = |uri| ring.key(uri).map(|k| k as *const Key);
        assert_eq!(key("com.myapp2.x"), key("com.myapp"));
        assert_ne!(key("com.myapp.secret.x"), key("com.myapp.x"));
        assert_eq!(key("org.x"), None);
        // The router's own procedures are never sealed, even with a default key.
        let with_default = ring.clone().with_key("", Key::shared(&a).unwrap());
        assert!(with_default.covers(Side::Originator, "org.x"));
        assert!(!with_default.covers(Side::Originator, "wamp.subscription.get_events"));
        // A shared key seals and opens on both sides, bytes included.
        let args = Arguments::new(vec![Value::Bytes(vec![0, 255])], Default::default());
        let sealed = ring
            .seal(Side::Originator, "com.myapp.x", &args)
            .unwrap()
            .unwrap();
        assert_eq!(
            ring.open(Side::Responder, "com.myapp.x", &sealed).unwrap(),
            args
        );
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(matches!(
            Key::shared("not base64!"),
            Err(KeyError::Base64 { .. })
        ));
        assert!(matches!(
            Key::shared("AQID"),
            Err(KeyError::Length { len: 3, .. })
        ));
        assert_eq!(
            Key::from_base64(Some(ORIGINATOR_PRIVATE), Some(RESPONDER_PUBLIC), None, None)
                .unwrap_err(),
            KeyError::Mismatch {
                which: "originator"
            }
        );
        assert_eq!(
            Key::from_base64(None, Some(ORIGINATOR_PUBLIC), None, Some(RESPONDER_PUBLIC))
                .unwrap_err(),
            KeyError::Incomplete
        );
    }
}
