//! `wampcra`: the router sends a JSON challenge string; the client answers
//! `base64(HMAC-SHA256(key, challenge))`, the key being the secret or, for salted principals, the
//! PBKDF2 key derived from it (announced as `salt`, `iterations`, `keylen`).

use std::collections::HashMap;

use futures::future::BoxFuture;
use rand::Rng as _;
use wamp_core::auth::{wampcra_derive_key, wampcra_sign};
use wamp_core::{Dict, Value};

use super::{
    constant_time_eq, required_authid, AuthDenied, Authenticator, HelloInfo, Identity, Step,
};

#[derive(Clone)]
struct Principal {
    /// The HMAC key: the secret, or the derived key's base64 text when salted.
    key: String,
    authrole: String,
    salt: Option<(String, u32, usize)>,
}

/// WAMP-CRA against static principals.
#[derive(Clone, Default)]
pub struct WampCraAuth {
    principals: HashMap<String, Principal>,
}

impl std::fmt::Debug for WampCraAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WampCraAuth")
            .field("authids", &self.principals.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl WampCraAuth {
    /// No principals yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a principal whose secret is the HMAC key.
    pub fn principal(
        mut self,
        authid: impl Into<String>,
        secret: impl Into<String>,
        authrole: impl Into<String>,
    ) -> Self {
        self.principals.insert(
            authid.into(),
            Principal {
                key: secret.into(),
                authrole: authrole.into(),
                salt: None,
            },
        );
        self
    }

    /// Adds a salted principal: the key is PBKDF2-HMAC-SHA256 of `secret` (derived once, here).
    pub fn salted_principal(
        mut self,
        authid: impl Into<String>,
        secret: &str,
        salt: impl Into<String>,
        iterations: u32,
        keylen: usize,
        authrole: impl Into<String>,
    ) -> Self {
        let salt = salt.into();
        self.principals.insert(
            authid.into(),
            Principal {
                key: wampcra_derive_key(secret, &salt, iterations, keylen),
                authrole: authrole.into(),
                salt: Some((salt, iterations, keylen)),
            },
        );
        self
    }
}

impl Authenticator for WampCraAuth {
    fn method(&self) -> &str {
        "wampcra"
    }

    fn admits(&self, authid: &str, authrole: &str) -> Option<bool> {
        Some(
            self.principals
                .get(authid)
                .is_some_and(|p| p.authrole == authrole),
        )
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        let found = required_authid(hello).map(|authid| {
            let principal = self.principals.get(&authid).cloned();
            (authid, principal)
        });
        let session = hello.session;
        Box::pin(async move {
            let (authid, principal) = found?;
            let authrole = principal
                .as_ref()
                .map_or_else(String::new, |p| p.authrole.clone());
            let challenge = serde_json::json!({
                "authid": authid,
                "authrole": authrole,
                "authmethod": "wampcra",
                "authprovider": "static",
                "nonce": hex::encode(rand::thread_rng().gen::<[u8; 16]>()),
                "timestamp": crate::timestamp::now(),
                "session": session,
            })
            .to_string();
            let mut extra = Dict::new();
            extra.insert("challenge".into(), Value::Text(challenge.clone()));
            if let Some((salt, iterations, keylen)) =
                principal.as_ref().and_then(|p| p.salt.clone())
            {
                extra.insert("salt".into(), Value::Text(salt));
                extra.insert("iterations".into(), Value::from(iterations));
                extra.insert("keylen".into(), Value::from(keylen as u64));
            }
            // An unknown authid is still challenged, so a client cannot probe which ids exist.
            Ok(Step::challenge(extra, move |response| async move {
                match principal {
                    Some(p) => {
                        let expected = wampcra_sign(p.key.as_bytes(), &challenge);
                        if constant_time_eq(expected.as_bytes(), response.signature.as_bytes()) {
                            Ok(Identity::new(authid, p.authrole))
                        } else {
                            Err(AuthDenied::failed("wrong authid or signature"))
                        }
                    }
                    None => Err(AuthDenied::failed("wrong authid or signature")),
                }
            }))
        })
    }
}
