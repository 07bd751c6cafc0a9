//! The configuration file's TLS-certificate principals, dynamic authenticators and
//! authorizers, and WebSocket cookies.

use std::time::Duration;

use serde::Deserialize;

use crate::auth::{DynamicAuth, DynamicAuthorizer};
use crate::{CookieConfig, RealmConfig, RouterError};

/// A principal known by its TLS client certificate (authmethod `tls`; needs a listener with
/// `tls_client_ca`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFilePrincipal {
    /// The authid.
    pub authid: String,
    /// The certificate's SHA-1 fingerprint (`AB:CD:...`; case and colons do not matter).
    pub certificate_sha1: String,
    /// The role.
    pub role: String,
}

/// An authmethod decided by a procedure (see [`DynamicAuth`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicFileAuth {
    /// `ticket`, `wampcra`, `cryptosign`, `anonymous` or `tls`.
    pub authmethod: String,
    /// The procedure's URI.
    pub procedure: String,
    /// The realm it is registered on (default: the realm joined).
    pub realm: Option<String>,
    /// How long it may take, in milliseconds (default 5000).
    pub timeout_ms: Option<u64>,
    /// The role of a principal answered without one.
    pub default_role: Option<String>,
    /// Answers kept at most (with `cache_ttl_secs`; default: no cache).
    pub cache_size: Option<usize>,
    /// How long an answer is kept, in seconds.
    pub cache_ttl_secs: Option<u64>,
}

/// A role whose permissions a procedure decides (see [`DynamicAuthorizer`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizerFileConfig {
    /// The role.
    pub role: String,
    /// The procedure's URI.
    pub procedure: String,
    /// The realm it is registered on (default: the session's realm).
    pub realm: Option<String>,
    /// How long it may take, in milliseconds (default 5000).
    pub timeout_ms: Option<u64>,
    /// Cacheable answers kept at most (default 10,000).
    pub cache_size: Option<usize>,
    /// How long an answer is kept, in seconds (default 300).
    pub cache_ttl_secs: Option<u64>,
}

/// The cookies a WebSocket listener sets (see [`CookieConfig`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookieFileConfig {
    /// The cookie's name (default `cbtid`).
    pub name: Option<String>,
    /// Its life, in seconds (default 7 days).
    pub max_age_secs: Option<u64>,
    /// Sent with `Secure`.
    pub secure: Option<bool>,
    /// Sent with `HttpOnly`.
    pub http_only: Option<bool>,
    /// Its `SameSite` attribute.
    pub same_site: Option<String>,
    /// The most cookies remembered (default 100,000).
    pub max_cookies: Option<usize>,
}

impl CookieFileConfig {
    pub(crate) fn config(&self) -> CookieConfig {
        let default = CookieConfig::default();
        CookieConfig {
            name: self.name.clone().unwrap_or(default.name),
            max_age: self
                .max_age_secs
                .map_or(default.max_age, Duration::from_secs),
            secure: self.secure.unwrap_or(default.secure),
            http_only: self.http_only.unwrap_or(default.http_only),
            same_site: self.same_site.clone().or(default.same_site),
            max_cookies: self.max_cookies.unwrap_or(default.max_cookies),
        }
    }
}

/// `realm` with the file's TLS principals, dynamic authenticators and authorizers.
pub(crate) fn add(
    mut realm: RealmConfig,
    tls: &[TlsFilePrincipal],
    dynamic: &[DynamicFileAuth],
    authorizers: &[AuthorizerFileConfig],
) -> Result<RealmConfig, RouterError> {
    let name = realm.name().to_owned();
    let invalid = |m: String| RouterError::Config(format!("realm {name}: {m}"));
    #[cfg(not(feature = "tls"))]
    if !tls.is_empty() {
        return Err(invalid(
            "tls principals need the cargo feature `tls` of wamp-router".into(),
        ));
    }
    #[cfg(feature = "tls")]
    if !tls.is_empty() {
        let auth = tls.iter().fold(crate::auth::TlsAuth::new(), |a, p| {
            a.principal(p.authid.clone(), &p.certificate_sha1, p.role.clone())
        });
        realm = realm.authenticator(auth);
    }
    for d in dynamic {
        const METHODS: [&str; 5] = ["ticket", "wampcra", "cryptosign", "anonymous", "tls"];
        if !METHODS.contains(&d.authmethod.as_str()) {
            return Err(invalid(format!(
                "dynamic authmethod {:?} (one of {METHODS:?})",
                d.authmethod
            )));
        }
        let mut auth = DynamicAuth::new(d.authmethod.clone(), d.procedure.clone());
        if let Some(r) = &d.realm {
            auth = auth.realm(r.clone());
        }
        if let Some(ms) = d.timeout_ms {
            auth = auth.timeout(Duration::from_millis(ms));
        }
        if let Some(role) = &d.default_role {
            auth = auth.default_role(role.clone());
        }
        match (d.cache_size, d.cache_ttl_secs) {
            (Some(size), Some(ttl)) => auth = auth.cache(size, Duration::from_secs(ttl)),
            (None, None) => {}
            _ => return Err(invalid("cache_size and cache_ttl_secs go together".into())),
        }
        realm = realm.authenticator(auth);
    }
    for a in authorizers {
        let mut authorizer = DynamicAuthorizer::new(a.procedure.clone());
        if let Some(r) = &a.realm {
            authorizer = authorizer.realm(r.clone());
        }
        if let Some(ms) = a.timeout_ms {
            authorizer = authorizer.timeout(Duration::from_millis(ms));
        }
        if a.cache_size.is_some() || a.cache_ttl_secs.is_some() {
            let size = a.cache_size.unwrap_or(10_000);
            let ttl = Duration::from_secs(a.cache_ttl_secs.unwrap_or(300));
            authorizer = authorizer.cache(size, ttl);
        }
        realm = realm.authorizer(a.role.clone(), authorizer);
    }
    Ok(realm)
}
