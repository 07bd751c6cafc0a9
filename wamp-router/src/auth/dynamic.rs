//! [`DynamicAuth`]: a procedure that a trusted session registers says who a joining client is,
//! as Crossbar.io's dynamic authenticators do (the spec leaves dynamic authentication
//! unwritten: "Write me"; the signature is Crossbar.io's, so a Crossbar authenticator serves
//! this router too). The router calls it itself ([`RouterCalls`](crate::calls::RouterCalls)).

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use rand::Rng as _;
use sha2::Digest as _;
use wamp_core::message::uris;
use wamp_core::value::dict_to_value;
use wamp_core::{Arguments, Dict, Value};

use super::{AuthDenied, Authenticator, HelloInfo, Identity, Step, WampCraAuth};
use crate::cache::Cache;
use crate::calls::CallFailure;

/// What an authenticator procedure answered about a client.
#[derive(Debug, Clone, Default)]
struct Principal {
    role: Option<String>,
    authid: Option<String>,
    extra: Dict,
    secret: Option<String>,
    salt: Option<String>,
    iterations: Option<u32>,
    keylen: Option<usize>,
    /// For `cryptosign` (read with that cargo feature only).
    #[cfg_attr(not(feature = "cryptosign"), allow(dead_code))]
    pubkey: Option<String>,
}

fn text(map: &[(Value, Value)], key: &str) -> Option<String> {
    map.iter().find_map(|(k, v)| match (k, v) {
        (Value::Text(k), Value::Text(v)) if k == key => Some(v.clone()),
        _ => None,
    })
}

fn number(map: &[(Value, Value)], key: &str) -> Option<u64> {
    map.iter().find_map(|(k, v)| match k {
        Value::Text(k) if k == key => match v {
            Value::Integer(i) => u64::try_from(*i).ok(),
            _ => None,
        },
        _ => None,
    })
}

impl Principal {
    /// A role (text) or a principal (a dictionary); anything else is refused.
    fn read(answer: &Arguments) -> Result<Self, AuthDenied> {
        match answer.args.first() {
            Some(Value::Text(role)) => Ok(Self {
                role: Some(role.clone()),
                ..Self::default()
            }),
            Some(Value::Map(map)) => Ok(Self {
                role: text(map, "role"),
                authid: text(map, "authid"),
                extra: match map
                    .iter()
                    .find(|(k, _)| matches!(k, Value::Text(k) if k == "extra"))
                {
                    Some((_, Value::Map(extra))) => extra
                        .iter()
                        .filter_map(|(k, v)| match k {
                            Value::Text(k) => Some((k.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                    _ => Dict::new(),
                },
                secret: text(map, "secret"),
                salt: text(map, "salt"),
                iterations: number(map, "iterations").and_then(|n| u32::try_from(n).ok()),
                keylen: number(map, "keylen").and_then(|n| usize::try_from(n).ok()),
                pubkey: text(map, "pubkey"),
            }),
            _ => Err(AuthDenied::failed(
                "the authenticator answered neither a role nor a principal",
            )),
        }
    }
}

/// Authentication by a WAMP procedure (Crossbar.io's dynamic authenticator), for the methods
/// `ticket` (the procedure checks the ticket), `wampcra` (it gives the secret, and the router
/// runs the challenge), `cryptosign` (it gives the public key), `anonymous` and `tls` (it
/// decides from the transport details, `peer_cert` included).
///
/// The procedure is called `(realm, authid, details)`; `details` holds `session`,
/// `authmethod`, `authextra`, `transport` and, for `ticket`, `ticket`. It answers a role, or
/// `{"role", "authid", "extra", ...}` (`secret`, `salt`, `iterations`, `keylen` for `wampcra`;
/// `pubkey` for `cryptosign`), or an error, which ends the join with ABORT of that URI. No
/// answer within the timeout (5 s by default) ends it with `wamp.error.authentication_failed`.
/// WELCOME says `authprovider: "dynamic"`.
///
/// ```
/// use std::time::Duration;
/// use wamp_router::auth::DynamicAuth;
/// use wamp_router::RealmConfig;
///
/// let realm = RealmConfig::new("realm1").authenticator(
///     DynamicAuth::new("ticket", "com.example.authenticate")
///         .realm("admin") // where the procedure is registered (default: the realm joined)
///         .timeout(Duration::from_secs(2))
///         .cache(10_000, Duration::from_secs(60)),
/// );
/// ```
#[derive(Debug, Clone)]
pub struct DynamicAuth {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    method: String,
    procedure: String,
    realm: Option<String>,
    timeout: Duration,
    default_role: Option<String>,
    /// (realm, authid, digest of the ticket) -> principal.
    cache: Option<Cache<(String, String, String), Principal>>,
}

impl DynamicAuth {
    /// Authmethod `method`, decided by `procedure`.
    pub fn new(method: impl Into<String>, procedure: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                method: method.into(),
                procedure: procedure.into(),
                realm: None,
                timeout: Duration::from_secs(5),
                default_role: None,
                cache: None,
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            method: shared.method.clone(),
            procedure: shared.procedure.clone(),
            realm: shared.realm.clone(),
            timeout: shared.timeout,
            default_role: shared.default_role.clone(),
            cache: None,
        });
        change(&mut inner);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The realm the procedure is registered on (default: the realm the client joins).
    pub fn realm(self, realm: impl Into<String>) -> Self {
        let realm = realm.into();
        self.with(|i| i.realm = Some(realm))
    }

    /// How long the procedure may take (5 s by default).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|i| i.timeout = timeout)
    }

    /// The role of a principal the procedure answers without one.
    pub fn default_role(self, role: impl Into<String>) -> Self {
        let role = role.into();
        self.with(|i| i.default_role = Some(role))
    }

    /// Keeps up to `capacity` answers for `ttl` each, by realm, authid and (for `ticket`) a
    /// digest of the ticket: a principal the procedure revokes stays valid for up to `ttl`.
    /// Off by default.
    pub fn cache(self, capacity: usize, ttl: Duration) -> Self {
        self.with(|i| i.cache = Some(Cache::new(capacity, ttl)))
    }
}

impl Inner {
    /// Asks the procedure (or the cache) who the client is.
    async fn principal(
        &self,
        hello: &HelloInfo,
        ticket: Option<&str>,
    ) -> Result<Principal, AuthDenied> {
        let digest = ticket.map(|t| hex::encode(sha2::Sha256::digest(t.as_bytes())));
        let key = (
            hello.realm.clone(),
            hello.authid.clone().unwrap_or_default(),
            digest.unwrap_or_default(),
        );
        if let Some(found) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            return Ok(found);
        }
        let mut details = Dict::new();
        details.insert("session".into(), Value::from(hello.session));
        details.insert("authmethod".into(), Value::Text(self.method.clone()));
        details.insert("authextra".into(), dict_to_value(hello.authextra.clone()));
        details.insert("transport".into(), dict_to_value(hello.transport.clone()));
        if let Some(ticket) = ticket {
            details.insert("ticket".into(), Value::Text(ticket.to_owned()));
        }
        let args = vec![
            Value::Text(hello.realm.clone()),
            hello.authid.clone().map_or(Value::Null, Value::Text),
            dict_to_value(details),
        ];
        let realm = self.realm.as_deref().unwrap_or(&hello.realm);
        let answer = hello
            .router
            .call(realm, &self.procedure, args, self.timeout)
            .await
            .map_err(|failure| match failure {
                CallFailure::Error { uri, message } => AuthDenied {
                    reason: uri,
                    message,
                },
                other => {
                    AuthDenied::failed(format!("the authenticator {}: {other}", self.procedure))
                }
            })?;
        let principal = Principal::read(&answer)?;
        if let Some(cache) = &self.cache {
            cache.insert(key, principal.clone());
        }
        Ok(principal)
    }

    fn role(&self, principal: &Principal) -> Result<String, AuthDenied> {
        principal
            .role
            .clone()
            .or_else(|| self.default_role.clone())
            .ok_or_else(|| AuthDenied {
                reason: uris::NO_SUCH_ROLE.into(),
                message: "the authenticator answered no role".into(),
            })
    }

    /// The identity of a principal accepted without a challenge.
    fn identity(&self, hello: &HelloInfo, principal: Principal) -> Result<Identity, AuthDenied> {
        let authid = principal
            .authid
            .clone()
            .or_else(|| hello.authid.clone())
            .unwrap_or_else(|| format!("anonymous-{:016x}", rand::thread_rng().gen::<u64>()));
        let mut identity = Identity::new(authid, self.role(&principal)?).provider("dynamic");
        identity.authextra = principal.extra;
        Ok(identity)
    }
}

/// The step of a static authenticator made for one principal, as the dynamic provider's.
fn rebrand(step: Step, extra: Dict) -> Step {
    let brand = move |mut identity: Identity| {
        identity.authprovider = "dynamic".into();
        identity.authextra = extra;
        identity
    };
    match step {
        Step::Accept(identity) => Step::Accept(brand(identity)),
        Step::Challenge { extra, verify } => Step::Challenge {
            extra,
            verify: Box::new(move |response| {
                Box::pin(async move { verify(response).await.map(brand) })
            }),
        },
    }
}

impl Authenticator for DynamicAuth {
    fn method(&self) -> &str {
        &self.inner.method
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        Box::pin(async move {
            let inner = &self.inner;
            match inner.method.as_str() {
                "ticket" => {
                    let (inner, hello) = (self.inner.clone(), hello.clone());
                    Ok(Step::challenge(Dict::new(), move |response| async move {
                        let principal = inner.principal(&hello, Some(&response.signature)).await?;
                        inner.identity(&hello, principal)
                    }))
                }
                "wampcra" => {
                    let principal = inner.principal(hello, None).await?;
                    let authid = super::required_authid(hello)?;
                    let role = inner.role(&principal)?;
                    let secret = principal
                        .secret
                        .clone()
                        .ok_or_else(|| AuthDenied::failed("the authenticator gave no secret"))?;
                    let auth = match &principal.salt {
                        Some(salt) => WampCraAuth::new().salted_principal(
                            authid,
                            &secret,
                            salt.clone(),
                            principal.iterations.unwrap_or(1000),
                            principal.keylen.unwrap_or(32),
                            role,
                        ),
                        None => WampCraAuth::new().principal(authid, secret, role),
                    };
                    Ok(rebrand(auth.begin(hello).await?, principal.extra))
                }
                #[cfg(feature = "cryptosign")]
                "cryptosign" => {
                    let principal = inner.principal(hello, None).await?;
                    let authid = principal
                        .authid
                        .clone()
                        .or_else(|| hello.authid.clone())
                        .ok_or_else(|| AuthDenied::failed("no authid for the key"))?;
                    let pubkey = principal
                        .pubkey
                        .clone()
                        .ok_or_else(|| AuthDenied::failed("the authenticator gave no pubkey"))?;
                    let auth = super::CryptosignAuth::new().principal(
                        authid,
                        &pubkey,
                        inner.role(&principal)?,
                    );
                    Ok(rebrand(auth.begin(hello).await?, principal.extra))
                }
                "anonymous" | "tls" => {
                    let principal = inner.principal(hello, None).await?;
                    Ok(Step::Accept(inner.identity(hello, principal)?))
                }
                other => Err(AuthDenied::failed(format!(
                    "dynamic authentication does not implement the method {other:?}"
                ))),
            }
        })
    }
}
