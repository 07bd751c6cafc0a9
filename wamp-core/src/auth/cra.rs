//! WAMP-CRA: the router sends a challenge string; the client answers with
//! `base64(HMAC-SHA256(key, challenge))`. The key is the secret itself, or, when the challenge
//! carries `salt`, `iterations` and `keylen`, the base64 text of `PBKDF2-HMAC-SHA256(secret,
//! salt, iterations, keylen)`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{authenticate, text_field, uint_field, AuthError, Authenticator, KdfLimits};
use crate::message::Authenticate;
use crate::value::Dict;

const METHOD: &str = "wampcra";

/// WAMP challenge-response authentication with a shared secret.
#[derive(Clone)]
pub struct WampCra {
    secret: String,
    limits: KdfLimits,
}

impl WampCra {
    /// Authenticates with `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            limits: KdfLimits::default(),
        }
    }
}

impl std::fmt::Debug for WampCra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WampCra(..)")
    }
}

/// The key derived from a secret for salted WAMP-CRA, as the base64 text the spec uses as key.
pub fn derive_key(secret: &str, salt: &str, iterations: u32, keylen: usize) -> String {
    let mut key = vec![0u8; keylen];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), salt.as_bytes(), iterations, &mut key);
    STANDARD.encode(key)
}

/// The WAMP-CRA signature of `challenge` under `key`.
pub fn sign(key: &[u8], challenge: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(challenge.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

impl Authenticator for WampCra {
    fn method(&self) -> &str {
        METHOD
    }

    fn limit(&mut self, limits: &KdfLimits) {
        self.limits = *limits;
    }

    fn respond(&mut self, extra: &Dict) -> Result<Authenticate, AuthError> {
        let challenge = text_field(METHOD, extra, "challenge")?;
        let signature = match extra.get("salt") {
            None => sign(self.secret.as_bytes(), challenge),
            Some(_) => {
                let salt = text_field(METHOD, extra, "salt")?;
                let iterations = uint_field(METHOD, extra, "iterations")?.unwrap_or(1000);
                let keylen = uint_field(METHOD, extra, "keylen")?.unwrap_or(32);
                if iterations == 0 || keylen == 0 || keylen > 1024 {
                    return Err(AuthError::new(
                        METHOD,
                        "challenge has out-of-range iterations or keylen",
                    ));
                }
                let bound = self.limits.wampcra_iterations;
                KdfLimits::check(METHOD, "iterations", iterations.into(), bound.into())?;
                let key = derive_key(&self.secret, salt, iterations, keylen as usize);
                sign(key.as_bytes(), challenge)
            }
        };
        Ok(authenticate(signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_autobahn_reference_values() {
        // autobahn.wamp.auth.compute_wcs(b"secret", b"challenge") and
        // derive_key("secret", "salt", 1000, 32), computed with autobahn-python 26.10.2.
        assert_eq!(
            sign(b"secret", "challenge"),
            "oeUF6Wxqoezggrue+wbIDxKRPSF6esKwizR2MHh9HaA="
        );
        assert_eq!(
            derive_key("secret", "salt", 1000, 32),
            "qN+JnzxPIE2WfgrWPAkph8EAVeuwF7PZ0ordIY1Peq0="
        );
    }
}
