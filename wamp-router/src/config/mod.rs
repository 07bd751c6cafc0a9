//! The configuration file of the `wamp-router` binary (TOML). `docs/router.toml` is an example
//! with every key, each explained; a test parses it and checks that it sets every key.

mod auth;
mod scram;

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[cfg(feature = "cryptosign")]
use crate::auth::CryptosignAuth;
use crate::auth::{Anonymous, TicketAuth, WampCraAuth};
use crate::authorization::Role;
use wamp_core::uri::UriCheck;
use wamp_core::Serializer;

use crate::{HistoryRule, Listener, RealmConfig, RequestIds, Router, RouterBuilder, RouterError};

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Bound of each session's outbound queue, in messages.
    pub outbound_queue: Option<usize>,
    /// Bound of each session's outbound queue, in bytes.
    pub outbound_bytes: Option<usize>,
    /// How long a connection has for its transport handshake and HELLO, in milliseconds.
    pub handshake_timeout_ms: Option<u64>,
    /// The binary, on SIGTERM or SIGINT: how long calls in flight may take to finish before
    /// every session is sent GOODBYE, in milliseconds (default 5000).
    pub shutdown_drain_ms: Option<u64>,
    /// The binary's log lines: `text` (the default) or `json`, one object per line.
    pub log_format: Option<String>,
    /// Listeners.
    #[serde(default, rename = "listener")]
    pub listeners: Vec<ListenerConfig>,
    /// Realms.
    #[serde(default, rename = "realm")]
    pub realms: Vec<RealmFileConfig>,
}

/// One listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerConfig {
    /// `websocket` or `rawsocket`.
    pub protocol: String,
    /// A TCP address.
    pub address: Option<String>,
    /// A Unix socket path (RawSocket only).
    pub unix: Option<PathBuf>,
    /// Largest accepted message, in bytes.
    pub max_message_size: Option<usize>,
    /// Most connections open at once on this listener.
    pub max_connections: Option<usize>,
    /// Most connections open at once from one client IP address.
    pub max_connections_per_ip: Option<usize>,
    /// Messages a second each session may send on average (see [`crate::RateLimit`]).
    pub message_rate: Option<u32>,
    /// Messages each session may send at once (default: `message_rate`).
    pub message_burst: Option<u32>,
    /// A directory whose files a WebSocket listener serves to plain HTTP requests.
    pub static_dir: Option<PathBuf>,
    /// Serve the router's metrics at `/metrics` (WebSocket only; see [`crate::metrics`]).
    pub metrics: Option<bool>,
    /// Serve the service explorer at `/explorer/` (WebSocket only; see
    /// [`Listener::explorer`](crate::Listener::explorer)).
    pub explorer: Option<bool>,
    /// The serializers offered (`json`, `msgpack`, `cbor`), in order of preference.
    pub serializers: Option<Vec<String>>,
    /// PEM certificate chain file, to serve TLS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key file, to serve TLS.
    pub tls_key: Option<PathBuf>,
    /// PEM file of the CAs whose client certificates the TLS listener asks for (authmethod
    /// `tls`).
    pub tls_client_ca: Option<PathBuf>,
    /// Set cookies on WebSocket upgrades (cookie authentication).
    pub cookies: Option<auth::CookieFileConfig>,
    /// Ping a session idle this long, in milliseconds (with `keepalive_timeout_ms`).
    pub keepalive_interval_ms: Option<u64>,
    /// Drop a pinged session that answers nothing within this long, in milliseconds.
    pub keepalive_timeout_ms: Option<u64>,
}

/// One realm.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealmFileConfig {
    /// The realm's name.
    pub name: String,
    /// Accept anonymous clients with this role.
    pub anonymous_role: Option<String>,
    /// The URI rule for what clients send: `loose` (the default) or `strict`.
    pub uri_check: Option<String>,
    /// Most sessions at once.
    pub max_sessions: Option<usize>,
    /// The rule for client request IDs: `sequential` (the spec's, the default) or `any`.
    pub request_ids: Option<String>,
    /// Ticket principals.
    #[serde(default)]
    pub ticket: Vec<TicketPrincipal>,
    /// WAMP-CRA principals.
    #[serde(default)]
    pub wampcra: Vec<CraPrincipal>,
    /// Cryptosign principals.
    #[serde(default)]
    pub cryptosign: Vec<CryptosignPrincipal>,
    /// WAMP-SCRAM principals.
    #[serde(default)]
    pub scram: Vec<ScramFilePrincipal>,
    /// Roles.
    #[serde(default)]
    pub role: Vec<Role>,
    /// Topics that keep event history.
    #[serde(default)]
    pub event_history: Vec<HistoryFileRule>,
    /// Accept authmethod `cookie` (with a listener that sets cookies).
    pub cookie_auth: Option<bool>,
    /// Check CALL arguments and PUBLISH payloads against the services' descriptions.
    pub validate_payloads: Option<bool>,
    /// Principals known by their TLS client certificate.
    #[serde(default)]
    pub tls: Vec<auth::TlsFilePrincipal>,
    /// Authmethods decided by procedures.
    #[serde(default)]
    pub dynamic: Vec<auth::DynamicFileAuth>,
    /// Roles whose permissions procedures decide.
    #[serde(default)]
    pub authorizer: Vec<auth::AuthorizerFileConfig>,
}

/// Event history for a topic or pattern (see [`crate::HistoryRule`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryFileRule {
    /// The topic, or the pattern under `match`.
    pub topic: String,
    /// `exact` (the default), `prefix` or `wildcard`.
    #[serde(rename = "match")]
    pub match_policy: Option<String>,
    /// How many events are kept at most.
    pub limit: usize,
    /// How long an event is kept at most, in seconds.
    pub max_age_secs: Option<u64>,
}

/// A ticket principal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPrincipal {
    /// The authid.
    pub authid: String,
    /// The ticket.
    pub ticket: String,
    /// The role.
    pub role: String,
}

/// A WAMP-CRA principal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CraPrincipal {
    /// The authid.
    pub authid: String,
    /// The secret.
    pub secret: String,
    /// The role.
    pub role: String,
    /// Salt, for salted WAMP-CRA.
    pub salt: Option<String>,
    /// PBKDF2 iterations (salted; 1000 by default).
    pub iterations: Option<u32>,
    /// Derived key length (salted; 32 by default).
    pub keylen: Option<usize>,
}

/// A cryptosign principal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CryptosignPrincipal {
    /// The authid.
    pub authid: String,
    /// The Ed25519 public key, hex.
    pub pubkey: String,
    /// The role.
    pub role: String,
}

/// A WAMP-SCRAM principal: its password (the keys are derived when the router starts), or keys
/// derived elsewhere, base64, as Crossbar.io's static principals give them (then the router
/// never sees the password).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScramFilePrincipal {
    /// The authid.
    pub authid: String,
    /// The role.
    pub role: String,
    /// `crossbar` (authmethod `scram`, as Crossbar.io and Autobahn speak it; the default) or
    /// `spec` (`wamp-scram`).
    pub flavor: Option<String>,
    /// `argon2id` (the default) or `pbkdf2`.
    pub kdf: Option<String>,
    /// Passes of Argon2id (default 3) or iterations of PBKDF2 (default 600,000).
    pub iterations: Option<u32>,
    /// Argon2id memory in KiB (default 65,536).
    pub memory: Option<u32>,
    /// The password.
    pub password: Option<String>,
    /// The salt, base64 (random when a password is given without one).
    pub salt: Option<String>,
    /// `StoredKey`, base64.
    pub stored_key: Option<String>,
    /// `ServerKey`, base64.
    pub server_key: Option<String>,
}

impl FileConfig {
    /// Reads and parses a TOML file.
    pub fn load(path: &Path) -> Result<Self, RouterError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RouterError::Config(format!("{}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| RouterError::Config(format!("{}: {e}", path.display())))
    }

    /// A router builder with these realms and listeners.
    pub fn builder(&self) -> Result<RouterBuilder, RouterError> {
        let mut builder = Router::builder();
        if let Some(n) = self.outbound_queue {
            builder = builder.outbound_queue(n);
        }
        if let Some(n) = self.outbound_bytes {
            builder = builder.outbound_bytes(n);
        }
        if let Some(ms) = self.handshake_timeout_ms {
            builder = builder.handshake_timeout(std::time::Duration::from_millis(ms));
        }
        for l in &self.listeners {
            builder = builder.listener(l.listener()?);
        }
        for realm in self.realms()? {
            builder = builder.realm_config(realm);
        }
        Ok(builder)
    }

    /// The realms the file describes (what [`crate::Router::reload`] takes on SIGHUP).
    pub fn realms(&self) -> Result<Vec<RealmConfig>, RouterError> {
        self.realms.iter().map(RealmFileConfig::realm).collect()
    }
}

impl ListenerConfig {
    fn listener(&self) -> Result<Listener, RouterError> {
        let invalid = |m: &str| RouterError::Config(format!("listener: {m}"));
        let mut listener = match (self.protocol.as_str(), &self.address, &self.unix) {
            ("websocket", Some(addr), None) => Listener::websocket(addr.clone()),
            ("rawsocket", Some(addr), None) => Listener::rawsocket(addr.clone()),
            ("rawsocket", None, Some(path)) => Listener::unix(path.clone()),
            ("websocket" | "rawsocket", _, _) => {
                return Err(invalid(
                    "give exactly one of address and unix (unix: rawsocket only)",
                ))
            }
            (other, _, _) => return Err(invalid(&format!("unknown protocol {other:?}"))),
        };
        if let Some(max) = self.max_message_size {
            listener = listener.max_message_size(max);
        }
        if let Some(max) = self.max_connections {
            listener = listener.max_connections(max);
        }
        if let Some(max) = self.max_connections_per_ip {
            listener = listener.max_connections_per_ip(max);
        }
        if let Some(dir) = &self.static_dir {
            if self.protocol != "websocket" {
                return Err(invalid("static_dir needs a websocket listener"));
            }
            listener = listener.static_files(dir.clone());
        }
        if let Some(cookies) = &self.cookies {
            if self.protocol != "websocket" {
                return Err(invalid("cookies need a websocket listener"));
            }
            listener = listener.cookies(cookies.config());
        }
        if self.tls_client_ca.is_some() && self.tls_cert.is_none() {
            return Err(invalid("tls_client_ca needs tls_cert and tls_key"));
        }
        if self.metrics == Some(true) {
            if self.protocol != "websocket" {
                return Err(invalid("metrics need a websocket listener"));
            }
            listener = listener.metrics();
        }
        if self.explorer == Some(true) {
            if self.protocol != "websocket" {
                return Err(invalid("the explorer needs a websocket listener"));
            }
            listener = listener.explorer();
        }
        match (self.message_rate, self.message_burst) {
            (Some(rate), burst) => {
                let limit = crate::RateLimit::per_second(rate);
                listener = listener.rate_limit(burst.map_or(limit, |b| limit.burst(b)));
            }
            (None, Some(_)) => return Err(invalid("message_burst needs message_rate")),
            (None, None) => {}
        }
        match (self.keepalive_interval_ms, self.keepalive_timeout_ms) {
            (Some(interval), Some(timeout)) => {
                listener = listener.keepalive(
                    std::time::Duration::from_millis(interval),
                    std::time::Duration::from_millis(timeout),
                );
            }
            (None, None) => {}
            _ => {
                return Err(invalid(
                    "keepalive_interval_ms and keepalive_timeout_ms go together",
                ))
            }
        }
        if let Some(names) = &self.serializers {
            let serializers = names
                .iter()
                .map(|name| {
                    Serializer::from_name(name).ok_or_else(|| match name.as_str() {
                        "msgpack" | "cbor" => invalid(&format!(
                            "serializer {name:?} needs the cargo feature `{name}` of wamp-router"
                        )),
                        _ => invalid(&format!(
                            "unknown serializer {name:?} (json, msgpack or cbor)"
                        )),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            listener = listener.serializers(serializers);
        }
        match (&self.tls_cert, &self.tls_key) {
            #[cfg(not(feature = "tls"))]
            (Some(_), Some(_)) => {
                return Err(invalid("TLS needs the cargo feature `tls` of wamp-router"))
            }
            #[cfg(feature = "tls")]
            (Some(cert), Some(key)) => {
                let read = |p: &PathBuf| {
                    std::fs::read(p).map_err(|e| invalid(&format!("{}: {e}", p.display())))
                };
                let config = match &self.tls_client_ca {
                    None => crate::tls_config_from_pem(&read(cert)?, &read(key)?)?,
                    Some(ca) => {
                        crate::tls_config_with_client_auth(&read(cert)?, &read(key)?, &read(ca)?)?
                    }
                };
                listener = listener.tls(config);
            }
            (None, None) => {}
            _ => return Err(invalid("tls_cert and tls_key go together")),
        }
        Ok(listener)
    }
}

impl RealmFileConfig {
    fn realm(&self) -> Result<RealmConfig, RouterError> {
        let invalid = |m: String| RouterError::Config(format!("realm {}: {m}", self.name));
        let mut realm = RealmConfig::new(self.name.clone());
        if let Some(check) = &self.uri_check {
            let check = UriCheck::parse(check)
                .ok_or_else(|| invalid(format!("unknown uri_check {check:?} (loose or strict)")))?;
            realm = realm.uri_check(check);
        }
        if let Some(max) = self.max_sessions {
            realm = realm.max_sessions(max);
        }
        match self.request_ids.as_deref() {
            None | Some("sequential") => {}
            Some("any") => realm = realm.request_ids(RequestIds::Any),
            Some(other) => {
                return Err(invalid(format!(
                    "unknown request_ids {other:?} (sequential or any)"
                )))
            }
        }
        if let Some(role) = &self.anonymous_role {
            realm = realm.authenticator(Anonymous::new(role.clone()));
        }
        for h in &self.event_history {
            let mut rule = HistoryRule::new(h.topic.clone(), h.limit);
            if let Some(m) = &h.match_policy {
                let policy = wamp_core::MatchPolicy::parse(m).ok_or_else(|| {
                    invalid(format!(
                        "unknown event_history match {m:?} (exact, prefix or wildcard)"
                    ))
                })?;
                rule = rule.match_policy(policy);
            }
            if let Some(secs) = h.max_age_secs {
                rule = rule.max_age(std::time::Duration::from_secs(secs));
            }
            realm = realm.event_history(rule);
        }
        if !self.ticket.is_empty() {
            let auth = self.ticket.iter().fold(TicketAuth::new(), |a, p| {
                a.principal(p.authid.clone(), p.ticket.clone(), p.role.clone())
            });
            realm = realm.authenticator(auth);
        }
        if !self.wampcra.is_empty() {
            let auth = self
                .wampcra
                .iter()
                .fold(WampCraAuth::new(), |a, p| match &p.salt {
                    Some(salt) => a.salted_principal(
                        p.authid.clone(),
                        &p.secret,
                        salt.clone(),
                        p.iterations.unwrap_or(1000),
                        p.keylen.unwrap_or(32),
                        p.role.clone(),
                    ),
                    None => a.principal(p.authid.clone(), p.secret.clone(), p.role.clone()),
                });
            realm = realm.authenticator(auth);
        }
        #[cfg(not(feature = "cryptosign"))]
        if !self.cryptosign.is_empty() {
            return Err(invalid(
                "cryptosign principals need the cargo feature `cryptosign` of wamp-router".into(),
            ));
        }
        #[cfg(feature = "cryptosign")]
        if !self.cryptosign.is_empty() {
            let auth = self.cryptosign.iter().fold(CryptosignAuth::new(), |a, p| {
                a.principal(p.authid.clone(), &p.pubkey, p.role.clone())
            });
            realm = realm.authenticator(auth);
        }
        realm = scram::add(realm, &self.scram)?;
        realm = auth::add(realm, &self.tls, &self.dynamic, &self.authorizer)?;
        if self.cookie_auth == Some(true) {
            realm = realm.cookie_auth();
        }
        if self.validate_payloads == Some(true) {
            realm = realm.validate_payloads();
        }
        for role in &self.role {
            realm = realm.role(role.clone());
        }
        Ok(realm)
    }
}

#[cfg(test)]
mod tests;
