//! [`DynamicAuthorizer`]: a procedure that a trusted session registers says whether a session
//! may call, register, publish or subscribe, as Crossbar.io's dynamic authorizers do (the spec
//! defines no authorizer API; the signature is Crossbar.io's). The router calls it itself
//! ([`RouterCalls`](crate::calls::RouterCalls)).

use std::sync::Arc;
use std::time::Duration;

use wamp_core::value::dict_to_value;
use wamp_core::{Dict, Value};

use super::Action;
use crate::cache::Cache;
use crate::calls::RouterCalls;

/// Authorization by a WAMP procedure (Crossbar.io's dynamic authorizer), for the sessions of
/// one role ([`RealmConfig::authorizer`](crate::RealmConfig::authorizer)).
///
/// The procedure is called `(session, uri, action, options)`: `session` holds the session's
/// `session`, `authid`, `authrole`, `authmethod`, `authprovider` and `transport`; `action` is
/// `call`, `register`, `publish` or `subscribe`; `options` are the request's. It answers
/// `true`/`false` or `{"allow": bool, "cache": bool}`. With `"cache": true` the answer is kept
/// for every session of the role, for that URI and action (Crossbar's rule), in a bounded cache
/// (10,000 answers, 5 minutes each, by default). A denial answers the request
/// `wamp.error.not_authorized`; an error, no answer within the timeout (5 s by default) or a
/// malformed answer `wamp.error.authorization_failed`. The session's requests wait, in order,
/// while the procedure answers.
#[derive(Debug)]
pub struct DynamicAuthorizer {
    procedure: String,
    realm: Option<String>,
    timeout: Duration,
    cache: Cache<(String, String, &'static str), bool>,
}

/// What the authorizer decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Allowed,
    Denied,
    /// The authorizer failed: `wamp.error.authorization_failed`.
    Failed,
}

/// The decision on one request: its action and URI, and what was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) action: Action,
    pub(crate) uri: String,
    pub(crate) decision: Decision,
}

/// A request a dynamic authorizer decides (what the realm finds in a message).
pub(crate) struct Authorize {
    pub(crate) authorizer: Arc<DynamicAuthorizer>,
    /// The session's meta details.
    pub(crate) details: Value,
    pub(crate) authrole: String,
    pub(crate) action: Action,
    pub(crate) uri: String,
    pub(crate) options: Dict,
}

impl Authorize {
    /// Asks the authorizer (or its cache), on the procedure's realm or `realm`.
    pub(crate) async fn decide(self, calls: &RouterCalls, realm: &str) -> Verdict {
        self.authorizer.decide(calls, realm, &self).await
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Call => "call",
        Action::Register => "register",
        Action::Publish => "publish",
        Action::Subscribe => "subscribe",
    }
}

impl DynamicAuthorizer {
    /// Decided by `procedure`.
    pub fn new(procedure: impl Into<String>) -> Self {
        Self {
            procedure: procedure.into(),
            realm: None,
            timeout: Duration::from_secs(5),
            cache: Cache::new(10_000, Duration::from_secs(300)),
        }
    }

    /// The realm the procedure is registered on (default: the session's realm).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// How long the procedure may take (5 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Keeps up to `capacity` answers the procedure allowed to cache, for `ttl` each.
    pub fn cache(mut self, capacity: usize, ttl: Duration) -> Self {
        self.cache = Cache::new(capacity, ttl);
        self
    }

    /// A cached answer for the role, URI and action.
    pub(crate) fn cached(&self, authrole: &str, uri: &str, action: Action) -> Option<bool> {
        self.cache
            .get(&(authrole.to_owned(), uri.to_owned(), action_name(action)))
    }

    /// Decides one request of the session `details` (its meta details) of `realm`.
    async fn decide(&self, calls: &RouterCalls, realm: &str, ask: &Authorize) -> Verdict {
        let (authrole, action, uri) = (&ask.authrole, ask.action, ask.uri.as_str());
        let verdict = |decision| Verdict {
            action,
            uri: uri.to_owned(),
            decision,
        };
        if let Some(allowed) = self.cached(authrole, uri, action) {
            return verdict(if allowed {
                Decision::Allowed
            } else {
                Decision::Denied
            });
        }
        let args = vec![
            ask.details.clone(),
            Value::Text(uri.to_owned()),
            Value::Text(action_name(action).to_owned()),
            dict_to_value(ask.options.clone()),
        ];
        let realm = self.realm.as_deref().unwrap_or(realm);
        let answer = calls.call(realm, &self.procedure, args, self.timeout).await;
        let (allow, cache) = match answer.as_ref().map(|a| a.args.first()) {
            Ok(Some(Value::Bool(allow))) => (*allow, false),
            Ok(Some(Value::Map(map))) => {
                let field = |key: &str| {
                    map.iter().find_map(|(k, v)| match (k, v) {
                        (Value::Text(k), Value::Bool(b)) if k == key => Some(*b),
                        _ => None,
                    })
                };
                match field("allow") {
                    Some(allow) => (allow, field("cache").unwrap_or(false)),
                    None => return verdict(Decision::Failed),
                }
            }
            Ok(_) => return verdict(Decision::Failed),
            Err(e) => {
                tracing::warn!(procedure = %self.procedure, error = %e, "the authorizer failed");
                return verdict(Decision::Failed);
            }
        };
        if cache {
            let key = (authrole.to_owned(), uri.to_owned(), action_name(action));
            self.cache.insert(key, allow);
        }
        verdict(if allow {
            Decision::Allowed
        } else {
            Decision::Denied
        })
    }
}
