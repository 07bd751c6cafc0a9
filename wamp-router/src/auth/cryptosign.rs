//! `cryptosign`: the client announces its Ed25519 public key in `authextra.pubkey`; the router
//! sends 32 random octets as hex and checks the signature (64 octets, followed by the challenge).

use std::collections::HashMap;

use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use futures::future::BoxFuture;
use rand::Rng as _;
use wamp_core::{Dict, Value};

use super::{AuthDenied, Authenticator, HelloInfo, Identity, Step};

/// Cryptosign against static principals (public keys).
#[derive(Clone, Default)]
pub struct CryptosignAuth {
    /// Public key hex (lower case) -> (authid, authrole).
    principals: HashMap<String, (String, String)>,
}

impl std::fmt::Debug for CryptosignAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CryptosignAuth")
            .field("principals", &self.principals.len())
            .finish()
    }
}

impl CryptosignAuth {
    /// No principals yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a principal: the holder of the key `public_key_hex` is `authid` with `authrole`.
    pub fn principal(
        mut self,
        authid: impl Into<String>,
        public_key_hex: &str,
        authrole: impl Into<String>,
    ) -> Self {
        self.principals.insert(
            public_key_hex.to_ascii_lowercase(),
            (authid.into(), authrole.into()),
        );
        self
    }
}

fn verify(pubkey_hex: &str, challenge: &[u8; 32], signature_hex: &str) -> Result<(), AuthDenied> {
    let bad = |what: &str| AuthDenied::failed(format!("cryptosign: {what}"));
    let key: [u8; 32] = hex::decode(pubkey_hex)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| bad("the public key is not 32 octets of hex"))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("invalid public key"))?;
    let signed = hex::decode(signature_hex).map_err(|_| bad("the signature is not hex"))?;
    let (signature, message) = match signed.len() {
        96 => signed.split_at(64),
        64 => (signed.as_slice(), challenge.as_slice()),
        _ => return Err(bad("the signature must have 64 or 96 octets")),
    };
    if message != challenge {
        return Err(bad("the signed message is not the challenge"));
    }
    let signature = Signature::from_slice(signature).map_err(|_| bad("malformed signature"))?;
    key.verify(challenge, &signature)
        .map_err(|_| bad("the signature does not verify"))
}

impl Authenticator for CryptosignAuth {
    fn method(&self) -> &str {
        "cryptosign"
    }

    fn admits(&self, authid: &str, authrole: &str) -> Option<bool> {
        Some(super::holds(self.principals.values(), authid, authrole))
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        Box::pin(async move {
            if !matches!(
                hello.authextra.get("channel_binding"),
                None | Some(Value::Null)
            ) {
                return Err(AuthDenied::failed(
                    "cryptosign channel binding is not supported by this router",
                ));
            }
            let pubkey = match hello.authextra.get("pubkey") {
                Some(Value::Text(k)) => k.to_ascii_lowercase(),
                _ => return Err(AuthDenied::failed("cryptosign needs authextra.pubkey")),
            };
            let principal = self
                .principals
                .get(&pubkey)
                .filter(|(authid, _)| hello.authid.as_ref().is_none_or(|a| a == authid))
                .cloned();
            let challenge: [u8; 32] = rand::thread_rng().gen();
            let mut extra = Dict::new();
            extra.insert("challenge".into(), Value::Text(hex::encode(challenge)));
            extra.insert("channel_binding".into(), Value::Null);
            Ok(Step::challenge(extra, move |response| async move {
                let (authid, authrole) =
                    principal.ok_or_else(|| AuthDenied::failed("unknown public key or authid"))?;
                verify(&pubkey, &challenge, &response.signature)?;
                Ok(Identity::new(authid, authrole))
            }))
        })
    }
}
