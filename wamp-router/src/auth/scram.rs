//! WAMP-SCRAM on the router: the client sends a nonce in HELLO; the router answers a CHALLENGE
//! with its nonce, the principal's salt and KDF; the client proves it knows the password
//! without sending it, and the WELCOME carries the router's own proof (the server signature).
//! The router keeps only `StoredKey` and `ServerKey` ([`ScramKeys`]), which let nobody log in.
//!
//! Two flavors, as on the client ([`ScramFlavor`]): `scram` as Crossbar.io and Autobahn speak
//! it, `wamp-scram` as the spec writes it. Add one [`ScramAuth`] per flavor the router offers
//! (they may share principals).

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use futures::future::BoxFuture;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use wamp_core::auth::scram::{auth_message, salted_password, ScramKdf, ScramKeys};
use wamp_core::auth::ScramFlavor;
use wamp_core::{Dict, Value};

use super::{required_authid, AuthDenied, Authenticator, HelloInfo, Identity, Step};

/// The most a client nonce may be, in characters.
const MAX_NONCE: usize = 256;

/// What the router keeps of one principal.
#[derive(Clone, Debug)]
pub struct ScramPrincipal {
    /// The role the principal gets.
    pub authrole: String,
    /// The salt, as sent in CHALLENGE.
    pub salt: Vec<u8>,
    /// The KDF and its cost.
    pub kdf: ScramKdf,
    /// The keys derived from the password.
    pub keys: ScramKeys,
}

impl ScramPrincipal {
    /// A principal from its password, read as `flavor` reads it, with `salt` (16 random
    /// octets when `None`): the KDF runs once, here, at the cost `kdf` says.
    pub fn from_password(
        flavor: ScramFlavor,
        password: &str,
        salt: Option<Vec<u8>>,
        kdf: ScramKdf,
        authrole: impl Into<String>,
    ) -> Result<Self, wamp_core::auth::AuthError> {
        let salt = salt.unwrap_or_else(|| {
            let mut salt = vec![0u8; 16];
            rand::thread_rng().fill_bytes(&mut salt);
            salt
        });
        let keys = ScramKeys::derive(&salted_password(flavor, kdf, password, &salt)?);
        Ok(Self {
            authrole: authrole.into(),
            salt,
            kdf,
            keys,
        })
    }
}

/// WAMP-SCRAM against static principals.
#[derive(Clone)]
pub struct ScramAuth {
    flavor: ScramFlavor,
    principals: Arc<HashMap<String, ScramPrincipal>>,
    /// Makes the fake salt of an unknown authid stable, so probing does not tell.
    secret: [u8; 32],
}

impl std::fmt::Debug for ScramAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramAuth")
            .field("flavor", &self.flavor)
            .field("authids", &self.principals.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ScramAuth {
    /// No principals yet, speaking `flavor` (`scram` for Crossbar.io's, `wamp-scram` for the
    /// spec's).
    pub fn new(flavor: ScramFlavor) -> Self {
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        Self {
            flavor,
            principals: Arc::default(),
            secret,
        }
    }

    /// Adds a principal from its password: a random salt, the keys derived here (this runs the
    /// KDF once, at the cost `kdf` says).
    pub fn principal(
        self,
        authid: impl Into<String>,
        password: &str,
        kdf: ScramKdf,
        authrole: impl Into<String>,
    ) -> Result<Self, wamp_core::auth::AuthError> {
        let principal = ScramPrincipal::from_password(self.flavor, password, None, kdf, authrole)?;
        Ok(self.principal_keys(authid, principal))
    }

    /// Adds a principal from its password and a salt of its own (the same keys as another
    /// router that has the same salt, Crossbar.io for one).
    pub fn salted_principal(
        self,
        authid: impl Into<String>,
        password: &str,
        salt: Vec<u8>,
        kdf: ScramKdf,
        authrole: impl Into<String>,
    ) -> Result<Self, wamp_core::auth::AuthError> {
        let principal =
            ScramPrincipal::from_password(self.flavor, password, Some(salt), kdf, authrole)?;
        Ok(self.principal_keys(authid, principal))
    }

    /// Adds a principal from keys derived elsewhere (so the router never sees the password).
    pub fn principal_keys(mut self, authid: impl Into<String>, principal: ScramPrincipal) -> Self {
        Arc::make_mut(&mut self.principals).insert(authid.into(), principal);
        self
    }

    /// The salt and KDF shown for an authid that has no principal: stable per authid, and
    /// shaped like a real one.
    fn decoy(&self, authid: &str) -> (Vec<u8>, ScramKdf) {
        let mut hash = Sha256::new();
        hash.update(self.secret);
        hash.update(authid.as_bytes());
        let salt = hash.finalize().into_iter().take(16).collect();
        (
            salt,
            ScramKdf::Argon2id {
                memory: 65_536,
                iterations: 3,
            },
        )
    }

    /// The server nonce: the client's extended with 16 random octets. Crossbar.io encodes the
    /// concatenated octets again; the spec appends text. The client checks either way.
    fn server_nonce(&self, client: &str) -> String {
        let mut ours = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut ours);
        match (self.flavor, STANDARD.decode(client)) {
            (ScramFlavor::Crossbar, Ok(mut octets)) => {
                octets.extend_from_slice(&ours);
                STANDARD.encode(octets)
            }
            _ => format!("{client}{}", STANDARD.encode(ours)),
        }
    }
}

fn denied() -> AuthDenied {
    AuthDenied::failed("wrong authid or password")
}

impl Authenticator for ScramAuth {
    fn method(&self) -> &str {
        match self.flavor {
            ScramFlavor::Crossbar => "scram",
            ScramFlavor::Spec => "wamp-scram",
        }
    }

    fn admits(&self, authid: &str, authrole: &str) -> Option<bool> {
        Some(
            self.principals
                .get(authid)
                .is_some_and(|p| p.authrole == authrole),
        )
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        Box::pin(async move {
            let authid = required_authid(hello)?;
            let client_nonce = match hello.authextra.get("nonce") {
                Some(Value::Text(nonce)) if !nonce.is_empty() && nonce.len() <= MAX_NONCE => {
                    nonce.clone()
                }
                _ => {
                    return Err(AuthDenied::failed(
                        "WAMP-SCRAM needs HELLO.Details.authextra.nonce (a non-empty string)",
                    ))
                }
            };
            if !matches!(
                hello.authextra.get("channel_binding"),
                None | Some(Value::Null)
            ) {
                return Err(AuthDenied::failed(
                    "channel binding is not supported: send channel_binding null",
                ));
            }
            let principal = self.principals.get(&authid).cloned();
            let (salt, kdf) = match &principal {
                Some(p) => (p.salt.clone(), p.kdf),
                None => self.decoy(&authid),
            };
            let server_nonce = self.server_nonce(&client_nonce);
            let salt_b64 = STANDARD.encode(&salt);
            let mut extra = Dict::new();
            extra.insert("nonce".into(), Value::Text(server_nonce.clone()));
            extra.insert("salt".into(), Value::Text(salt_b64.clone()));
            extra.insert("kdf".into(), Value::Text(kdf.name(self.flavor).into()));
            extra.insert("iterations".into(), Value::from(kdf.iterations()));
            if let Some(memory) = kdf.memory() {
                extra.insert("memory".into(), Value::from(memory));
            }
            let flavor = self.flavor;
            let message = auth_message(
                flavor,
                &authid,
                &client_nonce,
                &server_nonce,
                &salt_b64,
                kdf.iterations(),
            )
            .map_err(|e| AuthDenied::failed(e.to_string()))?;
            Ok(Step::challenge(extra, move |response| async move {
                // An unknown authid is challenged like a known one and fails here.
                let principal = principal.ok_or_else(denied)?;
                if let Some(Value::Text(nonce)) = response.extra.get("nonce") {
                    if *nonce != server_nonce {
                        return Err(AuthDenied::failed("AUTHENTICATE answers another nonce"));
                    }
                }
                let proof = STANDARD
                    .decode(&response.signature)
                    .map_err(|_| AuthDenied::failed("the client proof is not base64"))?;
                if !principal.keys.verify(&message, &proof) {
                    return Err(denied());
                }
                let signature = STANDARD.encode(principal.keys.server_signature(&message));
                let key = match flavor {
                    ScramFlavor::Crossbar => "scram_server_signature",
                    ScramFlavor::Spec => "verifier",
                };
                let mut identity = Identity::new(authid, principal.authrole);
                identity
                    .authextra
                    .insert(key.into(), Value::Text(signature));
                Ok(identity)
            }))
        })
    }
}
