//! The configuration file of the `wamp-router` binary (TOML).
//!
//! ```toml
//! # Optional; 65536 by default. See RouterBuilder::outbound_queue.
//! outbound_queue = 65536
//!
//! [[listener]]
//! protocol = "websocket"          # or "rawsocket"
//! address = "127.0.0.1:8080"      # or: unix = "/tmp/wamp.sock" (rawsocket only)
//! max_message_size = 1048576      # optional, bytes
//! # tls_cert = "cert.pem"         # optional: serve TLS
//! # tls_key = "key.pem"
//!
//! [[realm]]
//! name = "realm1"
//! anonymous_role = "anonymous"    # optional: accept anonymous clients with this role
//!
//! [[realm.ticket]]
//! authid = "joe"
//! ticket = "secret!"
//! role = "user"
//!
//! [[realm.wampcra]]
//! authid = "peter"
//! secret = "secret1"
//! role = "user"
//! # salt = "salt123", iterations = 100, keylen = 32   # optional: salted
//!
//! [[realm.cryptosign]]
//! authid = "alice"
//! pubkey = "545efb0a2192db8d43f118e9bf9aee081466e1ef36c708b96ee6f62dddad9122"
//! role = "user"
//!
//! [[realm.role]]
//! name = "anonymous"
//! permissions = [{ uri = "", match = "prefix", call = true, register = true, publish = true, subscribe = true }]
//!
//! [[realm.role]]
//! name = "user"
//! permissions = [{ uri = "com.example.", match = "prefix", call = true, subscribe = true }]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::auth::{Anonymous, CryptosignAuth, TicketAuth, WampCraAuth};
use crate::authorization::Role;
use crate::{Listener, RealmConfig, Router, RouterBuilder, RouterError};

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Bound of each session's outbound queue, in messages.
    pub outbound_queue: Option<usize>,
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
    /// PEM certificate chain file, to serve TLS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key file, to serve TLS.
    pub tls_key: Option<PathBuf>,
}

/// One realm.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealmFileConfig {
    /// The realm's name.
    pub name: String,
    /// Accept anonymous clients with this role.
    pub anonymous_role: Option<String>,
    /// Ticket principals.
    #[serde(default)]
    pub ticket: Vec<TicketPrincipal>,
    /// WAMP-CRA principals.
    #[serde(default)]
    pub wampcra: Vec<CraPrincipal>,
    /// Cryptosign principals.
    #[serde(default)]
    pub cryptosign: Vec<CryptosignPrincipal>,
    /// Roles.
    #[serde(default)]
    pub role: Vec<Role>,
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
        for l in &self.listeners {
            builder = builder.listener(l.listener()?);
        }
        for r in &self.realms {
            builder = builder.realm_config(r.realm());
        }
        Ok(builder)
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
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                let read = |p: &PathBuf| {
                    std::fs::read(p).map_err(|e| invalid(&format!("{}: {e}", p.display())))
                };
                listener = listener.tls(crate::tls_config_from_pem(&read(cert)?, &read(key)?)?);
            }
            (None, None) => {}
            _ => return Err(invalid("tls_cert and tls_key go together")),
        }
        Ok(listener)
    }
}

impl RealmFileConfig {
    fn realm(&self) -> RealmConfig {
        let mut realm = RealmConfig::new(self.name.clone());
        if let Some(role) = &self.anonymous_role {
            realm = realm.authenticator(Anonymous::new(role.clone()));
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
        if !self.cryptosign.is_empty() {
            let auth = self.cryptosign.iter().fold(CryptosignAuth::new(), |a, p| {
                a.principal(p.authid.clone(), &p.pubkey, p.role.clone())
            });
            realm = realm.authenticator(auth);
        }
        for role in &self.role {
            realm = realm.role(role.clone());
        }
        realm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("config.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .map(|l| format!("{l}\n"))
            .collect();
        let config: FileConfig = toml::from_str(&example).unwrap();
        assert_eq!(config.listeners.len(), 1);
        assert_eq!(config.realms[0].role.len(), 2);
        config.builder().unwrap();
    }
}
