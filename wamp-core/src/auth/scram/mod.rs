//! WAMP-SCRAM (RFC 5802 / RFC 7677 adapted to WAMP) with Argon2id or PBKDF2 as the KDF.
//!
//! The spec and Crossbar.io (with Autobahn) disagree in five places; [`ScramFlavor`] picks one:
//!
//! | | spec (`rfc/text/advanced/authentication_scram.md`) | Crossbar.io 26.x / Autobahn |
//! |---|---|---|
//! | `authmethod` | `wamp-scram` | `scram` |
//! | Argon2id KDF name | `argon2id13` | `argon2id-13` |
//! | Argon2id `SaltedPassword` | the 32 raw hash octets | the base64 text (no padding) of them |
//! | `ClientFinalNoProof` | `c=biws,r=...` (base64 of the GS2 header `n,,`) | `c=,r=...` |
//! | server signature in WELCOME | `authextra.verifier` | `authextra.scram_server_signature` |
//!
//! Both KDF names are accepted in either flavor, and either WELCOME field is checked. One more
//! difference needs no flavor: the spec says the server nonce begins with the client nonce (as
//! text); Crossbar sends `base64(client nonce octets || server octets)`, which begins with the
//! client nonce only as octets. Either is accepted.
//!
//! The arithmetic both sides share ([`ScramKeys`], [`salted_password`], [`auth_message`],
//! [`client_proof`]) is public: `wamp-router` checks clients with it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore as _;

use super::{text_field, uint_field, AuthError, Authenticator, KdfLimits};
use crate::message::keys;
use crate::message::Authenticate;
use crate::value::{Dict, Value};

mod derivation;

pub use derivation::{auth_message, client_proof, salted_password, ScramKdf, ScramKeys};

/// The method name in error messages; the announced name depends on the flavor.
const METHOD: &str = "wamp-scram";

/// Which reading of WAMP-SCRAM to follow (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScramFlavor {
    /// As Crossbar.io and Autobahn implement it: the one that joins Crossbar.
    #[default]
    Crossbar,
    /// As the WAMP spec text defines it.
    Spec,
}

/// WAMP-SCRAM authentication with a password.
#[derive(Clone)]
pub struct Scram {
    authid: String,
    password: String,
    flavor: ScramFlavor,
    client_nonce: String,
    /// Kept between CHALLENGE and WELCOME to check the server signature.
    salted_password: Option<Vec<u8>>,
    auth_message: Option<String>,
    limits: KdfLimits,
}

impl std::fmt::Debug for Scram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scram")
            .field("authid", &self.authid)
            .field("flavor", &self.flavor)
            .finish_non_exhaustive()
    }
}

impl Scram {
    /// Authenticates `authid` with `password`. The authid must also be the session's authid.
    pub fn new(authid: impl Into<String>, password: impl Into<String>) -> Self {
        let mut nonce = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut nonce);
        Self {
            authid: authid.into(),
            password: password.into(),
            flavor: ScramFlavor::Crossbar,
            client_nonce: STANDARD.encode(nonce),
            salted_password: None,
            auth_message: None,
            limits: KdfLimits::default(),
        }
    }

    /// Follows `flavor` instead of the default [`ScramFlavor::Crossbar`].
    pub fn flavor(mut self, flavor: ScramFlavor) -> Self {
        self.flavor = flavor;
        self
    }

    #[cfg(test)]
    fn with_nonce(mut self, nonce: &str) -> Self {
        self.client_nonce = nonce.to_owned();
        self
    }
}

/// Whether the server nonce extends the client nonce: as text (the spec) or as the decoded octets
/// (Crossbar, which re-encodes the concatenation).
fn nonce_extends(server: &str, client: &str) -> bool {
    if server.starts_with(client) && server.len() > client.len() {
        return true;
    }
    match (STANDARD.decode(server), STANDARD.decode(client)) {
        (Ok(s), Ok(c)) => s.len() > c.len() && s.starts_with(&c),
        _ => false,
    }
}

impl Authenticator for Scram {
    fn method(&self) -> &str {
        match self.flavor {
            ScramFlavor::Crossbar => "scram",
            ScramFlavor::Spec => "wamp-scram",
        }
    }

    fn authextra(&mut self) -> Result<Dict, AuthError> {
        let mut extra = Dict::new();
        extra.insert("nonce".into(), Value::Text(self.client_nonce.clone()));
        extra.insert("channel_binding".into(), Value::Null);
        Ok(extra)
    }

    fn limit(&mut self, limits: &KdfLimits) {
        self.limits = *limits;
    }

    fn respond(&mut self, extra: &Dict) -> Result<Authenticate, AuthError> {
        let server_nonce = text_field(METHOD, extra, "nonce")?;
        if !nonce_extends(server_nonce, &self.client_nonce) {
            return Err(AuthError::new(
                METHOD,
                "the server nonce does not start with the client nonce",
            ));
        }
        let salt_b64 = text_field(METHOD, extra, "salt")?;
        let salt = STANDARD
            .decode(salt_b64)
            .map_err(|e| AuthError::new(METHOD, format!("salt is not base64: {e}")))?;
        let kdf = text_field(METHOD, extra, "kdf")?;
        let iterations = uint_field(METHOD, extra, "iterations")?
            .filter(|i| *i > 0)
            .ok_or_else(|| AuthError::new(METHOD, "challenge lacks a positive iterations"))?;
        let kdf = match kdf {
            "argon2id13" | "argon2id-13" => {
                let memory = uint_field(METHOD, extra, "memory")?
                    .ok_or_else(|| AuthError::new(METHOD, "argon2id needs a memory parameter"))?;
                let limits = &self.limits;
                KdfLimits::check(
                    METHOD,
                    "argon2 memory (KiB)",
                    memory.into(),
                    limits.argon2_memory_kib.into(),
                )?;
                let work = u64::from(memory) * u64::from(iterations);
                KdfLimits::check(
                    METHOD,
                    "argon2 work (KiB x passes)",
                    work,
                    limits.argon2_work,
                )?;
                ScramKdf::Argon2id { memory, iterations }
            }
            "pbkdf2" => {
                let bound = self.limits.pbkdf2_iterations;
                KdfLimits::check(METHOD, "pbkdf2 iterations", iterations.into(), bound.into())?;
                ScramKdf::Pbkdf2 { iterations }
            }
            other => return Err(AuthError::new(METHOD, format!("unknown KDF {other:?}"))),
        };
        let salted_password = salted_password(self.flavor, kdf, &self.password, &salt)?;
        let auth_message = auth_message(
            self.flavor,
            &self.authid,
            &self.client_nonce,
            server_nonce,
            salt_b64,
            iterations,
        )?;
        let proof = client_proof(&salted_password, &auth_message);

        self.salted_password = Some(salted_password);
        self.auth_message = Some(auth_message);
        let mut reply = Dict::new();
        reply.insert("nonce".into(), Value::Text(server_nonce.to_owned()));
        reply.insert("channel_binding".into(), Value::Null);
        Ok(Authenticate {
            signature: STANDARD.encode(proof),
            extra: reply,
        })
    }

    fn check_welcome(&mut self, details: &Dict) -> Result<(), AuthError> {
        let (Some(salted), Some(auth_message)) = (&self.salted_password, &self.auth_message) else {
            return Err(AuthError::new(
                METHOD,
                "WELCOME arrived before the challenge was answered",
            ));
        };
        let authextra = match details.get(keys::AUTHEXTRA) {
            Some(Value::Map(entries)) => entries,
            _ => {
                return Err(AuthError::new(
                    METHOD,
                    "WELCOME carries no authextra with the server signature",
                ))
            }
        };
        let claimed = authextra
            .iter()
            .find(|(k, _)| {
                matches!(
                    k.as_text(),
                    Some("verifier") | Some("scram_server_signature")
                )
            })
            .and_then(|(_, v)| v.as_text())
            .ok_or_else(|| AuthError::new(METHOD, "WELCOME carries no server signature"))?;
        let expected = ScramKeys::derive(salted).server_signature(auth_message);
        if STANDARD.decode(claimed).ok().as_deref() == Some(expected.as_slice()) {
            Ok(())
        } else {
            Err(AuthError::new(
                METHOD,
                "the router's server signature is wrong: it does not know the password",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(kdf: &str) -> Dict {
        let mut extra = Dict::new();
        extra.insert("nonce".into(), "cnonceSnonce".into());
        extra.insert("salt".into(), STANDARD.encode(b"0123456789abcdef").into());
        extra.insert("kdf".into(), kdf.into());
        extra.insert("iterations".into(), 2.into());
        extra.insert("memory".into(), 512.into());
        extra
    }

    fn welcome(key: &str, signature: &str) -> Dict {
        let mut details = Dict::new();
        details.insert(
            "authextra".into(),
            Value::Map(vec![(key.into(), signature.into())]),
        );
        details
    }

    /// Reference values computed with autobahn-python 26.10.2's `_hash_argon2id13_secret` and the
    /// auth message Crossbar builds (`c=` with an empty channel binding).
    #[test]
    fn crossbar_flavor_matches_autobahn() {
        let mut scram = Scram::new("user", "pencil").with_nonce("cnonce");
        let reply = scram.respond(&challenge("argon2id-13")).unwrap();
        assert_eq!(
            reply.signature,
            "IybGJoRyq35Dy+g49R+5DMwEKy/4KddhtSKK0GMqiQU="
        );
        assert!(scram
            .check_welcome(&welcome(
                "scram_server_signature",
                "DpQ6wgxCMTECAMVc11ZY8FuVIZyzp4slaFR9RZrJydU="
            ))
            .is_ok());
        assert!(scram
            .check_welcome(&welcome("scram_server_signature", "AAAA"))
            .is_err());
    }

    /// The spec flavor differs from Crossbar's in the salted password and the channel field, so
    /// the same inputs give another proof; both KDF spellings are accepted.
    #[test]
    fn spec_flavor_differs_from_crossbar() {
        let mut spec = Scram::new("user", "pencil")
            .with_nonce("cnonce")
            .flavor(ScramFlavor::Spec);
        let spec_proof = spec.respond(&challenge("argon2id13")).unwrap().signature;
        assert_ne!(spec_proof, "IybGJoRyq35Dy+g49R+5DMwEKy/4KddhtSKK0GMqiQU=");
        assert!(spec.auth_message.as_deref().unwrap().contains(",c=biws,"));
    }

    #[test]
    fn nonce_prefix_as_text_or_as_octets() {
        let client = STANDARD.encode([1u8; 16]);
        let crossbar = STANDARD.encode([[1u8; 16], [2u8; 16]].concat());
        assert!(
            !crossbar.starts_with(&client),
            "padding breaks the text prefix"
        );
        assert!(nonce_extends(&crossbar, &client));
        assert!(nonce_extends(&format!("{client}abc"), &client));
        assert!(!nonce_extends(&STANDARD.encode([3u8; 32]), &client));
        assert!(
            !nonce_extends(&client, &client),
            "the server must add its own part"
        );
    }

    #[test]
    fn refuses_foreign_nonce_and_unknown_kdf() {
        let mut scram = Scram::new("user", "pencil").with_nonce("cnonce");
        let mut bad = challenge("pbkdf2");
        bad.insert("nonce".into(), "othernonce".into());
        assert!(scram.respond(&bad).is_err());
        assert!(scram.respond(&challenge("md5")).is_err());
        assert!(scram.respond(&challenge("pbkdf2")).is_ok());
    }
}
