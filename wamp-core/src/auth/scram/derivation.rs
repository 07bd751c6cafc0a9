//! The arithmetic of WAMP-SCRAM that both sides share: the salted password (by the KDF and the
//! flavor), the stored and server keys, the auth message, the client proof and the server
//! signature (RFC 5802 section 3 with SHA-256, as the WAMP spec and Crossbar.io adapt it).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{ScramFlavor, METHOD};
use crate::auth::AuthError;

/// A WAMP-SCRAM key derivation function with its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScramKdf {
    /// Argon2id (version 0x13, one lane, 32 octets): `memory` KiB, `iterations` passes.
    Argon2id {
        /// Memory, in KiB.
        memory: u32,
        /// Passes.
        iterations: u32,
    },
    /// PBKDF2-HMAC-SHA256 (32 octets).
    Pbkdf2 {
        /// Iterations.
        iterations: u32,
    },
}

impl ScramKdf {
    /// The KDF's name in a CHALLENGE, as `flavor` spells it.
    pub fn name(self, flavor: ScramFlavor) -> &'static str {
        match (self, flavor) {
            (ScramKdf::Argon2id { .. }, ScramFlavor::Crossbar) => "argon2id-13",
            (ScramKdf::Argon2id { .. }, ScramFlavor::Spec) => "argon2id13",
            (ScramKdf::Pbkdf2 { .. }, _) => "pbkdf2",
        }
    }

    /// Its iteration count (passes for Argon2id).
    pub fn iterations(self) -> u32 {
        match self {
            ScramKdf::Argon2id { iterations, .. } | ScramKdf::Pbkdf2 { iterations } => iterations,
        }
    }

    /// Its memory in KiB (Argon2id only).
    pub fn memory(self) -> Option<u32> {
        match self {
            ScramKdf::Argon2id { memory, .. } => Some(memory),
            ScramKdf::Pbkdf2 { .. } => None,
        }
    }
}

/// `SaltedPassword`: the KDF of `password` (after SASLprep) with `salt`. Crossbar.io and Autobahn
/// use the base64 text of an Argon2id hash where the spec uses its octets.
pub fn salted_password(
    flavor: ScramFlavor,
    kdf: ScramKdf,
    password: &str,
    salt: &[u8],
) -> Result<Vec<u8>, AuthError> {
    let password = saslprep(password)?;
    match kdf {
        ScramKdf::Argon2id { memory, iterations } => {
            let params = argon2::Params::new(memory, iterations, 1, Some(32))
                .map_err(|e| AuthError::new(METHOD, format!("invalid argon2 parameters: {e}")))?;
            let argon =
                argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
            let mut hash = [0u8; 32];
            argon
                .hash_password_into(password.as_bytes(), salt, &mut hash)
                .map_err(|e| AuthError::new(METHOD, format!("argon2 failed: {e}")))?;
            Ok(match flavor {
                ScramFlavor::Crossbar => STANDARD_NO_PAD.encode(hash).into_bytes(),
                ScramFlavor::Spec => hash.to_vec(),
            })
        }
        ScramKdf::Pbkdf2 { iterations } => {
            let mut key = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut key);
            Ok(key.to_vec())
        }
    }
}

/// What a router keeps of a password: `StoredKey = H(HMAC(SaltedPassword, "Client Key"))` and
/// `ServerKey = HMAC(SaltedPassword, "Server Key")`. Neither lets anyone log in.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramKeys {
    /// `StoredKey`.
    pub stored_key: Vec<u8>,
    /// `ServerKey`.
    pub server_key: Vec<u8>,
}

impl std::fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScramKeys(..)")
    }
}

impl ScramKeys {
    /// The keys of a salted password.
    pub fn derive(salted_password: &[u8]) -> Self {
        let client_key = hmac(salted_password, b"Client Key");
        Self {
            stored_key: Sha256::digest(&client_key).to_vec(),
            server_key: hmac(salted_password, b"Server Key"),
        }
    }

    /// Whether `proof` (the AUTHENTICATE signature, decoded) proves the password for
    /// `auth_message`, compared in constant time.
    pub fn verify(&self, auth_message: &str, proof: &[u8]) -> bool {
        let signature = hmac(&self.stored_key, auth_message.as_bytes());
        if proof.len() != signature.len() {
            return false;
        }
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(a, b)| a ^ b).collect();
        let stored = Sha256::digest(&client_key);
        stored
            .iter()
            .zip(&self.stored_key)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
            && stored.len() == self.stored_key.len()
    }

    /// `ServerSignature = HMAC(ServerKey, AuthMessage)`, which proves the router knew the keys.
    pub fn server_signature(&self, auth_message: &str) -> Vec<u8> {
        hmac(&self.server_key, auth_message.as_bytes())
    }
}

/// `AuthMessage`: the client's first message, the server's, and the client's final message
/// without its proof (`c=` is empty for Crossbar.io, `biws` for the spec).
pub fn auth_message(
    flavor: ScramFlavor,
    authid: &str,
    client_nonce: &str,
    server_nonce: &str,
    salt_b64: &str,
    iterations: u32,
) -> Result<String, AuthError> {
    let channel = match flavor {
        ScramFlavor::Crossbar => String::new(),
        ScramFlavor::Spec => STANDARD.encode("n,,"),
    };
    Ok(format!(
        "n={},r={client_nonce},r={server_nonce},s={salt_b64},i={iterations},c={channel},r={server_nonce}",
        saslprep(authid)?,
    ))
}

/// `ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage)`.
pub fn client_proof(salted_password: &[u8], auth_message: &str) -> Vec<u8> {
    let client_key = hmac(salted_password, b"Client Key");
    let stored_key = Sha256::digest(&client_key);
    let client_signature = hmac(&stored_key, auth_message.as_bytes());
    client_key
        .iter()
        .zip(&client_signature)
        .map(|(a, b)| a ^ b)
        .collect()
}

pub(super) fn saslprep(text: &str) -> Result<String, AuthError> {
    stringprep::saslprep(text)
        .map(|s| s.into_owned())
        .map_err(|e| AuthError::new(METHOD, format!("SASLprep refused the input: {e}")))
}

pub(super) fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A router that keeps only the keys checks the proof a client computes from the password,
    /// and not a proof from another password.
    #[test]
    fn keys_verify_the_clients_proof() {
        for flavor in [ScramFlavor::Crossbar, ScramFlavor::Spec] {
            for kdf in [
                ScramKdf::Argon2id {
                    memory: 512,
                    iterations: 2,
                },
                ScramKdf::Pbkdf2 { iterations: 10 },
            ] {
                let salted = salted_password(flavor, kdf, "pencil", b"0123456789abcdef").unwrap();
                let keys = ScramKeys::derive(&salted);
                let message =
                    auth_message(flavor, "user", "cnonce", "cnonceS", "c2FsdA==", 2).unwrap();
                assert!(keys.verify(&message, &client_proof(&salted, &message)));
                let other = salted_password(flavor, kdf, "pen", b"0123456789abcdef").unwrap();
                assert!(!keys.verify(&message, &client_proof(&other, &message)));
                assert!(!keys.verify(&message, b"short"));
            }
        }
    }
}
