//! Cookie authentication on WebSocket listeners, as Crossbar.io does it: the router sets a
//! cookie (`cbtid` by default) on the WebSocket upgrade of a client that has none it knows;
//! once a client on that cookie authenticated (by any other method), a later connection that
//! presents the cookie and offers authmethod `cookie` is welcomed as the same principal with no
//! challenge (WELCOME: the original `authmethod`, `authprovider: "cookie"`). A HELLO on that
//! cookie that does not offer `cookie` unbinds it (the client's way to log out).
//!
//! The spec only says that cookies may authenticate a WebSocket client; the cookie's name, its
//! life and the WELCOME details are Crossbar.io's. The store is bounded: at most
//! [`CookieConfig::max_cookies`] cookies, each forgotten after its `max_age`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::RngCore as _;
use wamp_core::Dict;

/// How a WebSocket listener sets its cookie ([`Listener::cookies`](crate::Listener::cookies)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieConfig {
    /// The cookie's name (`cbtid`, as Crossbar.io's).
    pub name: String,
    /// How long a cookie lives (7 days): its `max-age`, and how long the router remembers it.
    pub max_age: Duration,
    /// Sent with `Secure` (only over HTTPS, so only on `wss://`).
    pub secure: bool,
    /// Sent with `HttpOnly` (scripts in the page cannot read it).
    pub http_only: bool,
    /// Its `SameSite` attribute (`Strict`, `Lax` or `None`), if any.
    pub same_site: Option<String>,
    /// The most cookies the router remembers; past it, the oldest are forgotten.
    pub max_cookies: usize,
}

impl Default for CookieConfig {
    fn default() -> Self {
        Self {
            name: "cbtid".into(),
            max_age: Duration::from_secs(7 * 24 * 3600),
            secure: false,
            http_only: false,
            same_site: None,
            max_cookies: 100_000,
        }
    }
}

/// Who a cookie stands for, once its client authenticated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CookieAuth {
    pub(crate) realm: String,
    pub(crate) authid: String,
    pub(crate) authrole: String,
    pub(crate) authmethod: String,
    pub(crate) authextra: Dict,
}

#[derive(Debug)]
struct Entry {
    born: Instant,
    max_age: Duration,
    auth: Option<CookieAuth>,
}

/// The cookies the router set and what each stands for.
#[derive(Debug, Default)]
pub(crate) struct CookieStore {
    cookies: Mutex<HashMap<String, Entry>>,
}

impl CookieStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.cookies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// On a WebSocket upgrade: the cookie `request_cookies` (the `Cookie` header values)
    /// present, if the router knows it; else a new one, and the `Set-Cookie` value to send.
    pub(crate) fn on_upgrade<'a>(
        &self,
        config: &CookieConfig,
        request_cookies: impl Iterator<Item = &'a str>,
    ) -> (String, Option<String>) {
        let presented = request_cookies
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == config.name)
            .map(|(_, value)| value.trim().to_owned());
        let mut cookies = self.lock();
        if let Some(id) = presented {
            if cookies
                .get(&id)
                .is_some_and(|e| e.born.elapsed() < e.max_age)
            {
                return (id, None);
            }
        }
        if cookies.len() >= config.max_cookies.max(1) {
            cookies.retain(|_, e| e.born.elapsed() < e.max_age);
            if cookies.len() >= config.max_cookies.max(1) {
                let oldest = cookies
                    .iter()
                    .min_by_key(|(_, e)| e.born)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    cookies.remove(&oldest);
                }
            }
        }
        let mut bytes = [0u8; 18];
        rand::thread_rng().fill_bytes(&mut bytes);
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        cookies.insert(
            id.clone(),
            Entry {
                born: Instant::now(),
                max_age: config.max_age,
                auth: None,
            },
        );
        let mut header = format!("{}={id}; Max-Age={}", config.name, config.max_age.as_secs());
        if config.secure {
            header.push_str("; Secure");
        }
        if config.http_only {
            header.push_str("; HttpOnly");
        }
        if let Some(same_site) = &config.same_site {
            header.push_str(&format!("; SameSite={same_site}"));
        }
        (id, Some(header))
    }

    /// Who the cookie stands for on `realm`, if it is bound there.
    pub(crate) fn auth(&self, id: &str, realm: &str) -> Option<CookieAuth> {
        let cookies = self.lock();
        let entry = cookies.get(id)?;
        (entry.born.elapsed() < entry.max_age)
            .then(|| entry.auth.clone())
            .flatten()
            .filter(|a| a.realm == realm)
    }

    /// Binds the cookie to a principal that authenticated on it (or unbinds it: `None`).
    pub(crate) fn bind(&self, id: &str, auth: Option<CookieAuth>) {
        if let Some(entry) = self.lock().get_mut(id) {
            entry.auth = auth;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_set_once_recognized_and_bounded() {
        let store = CookieStore::default();
        let config = CookieConfig {
            max_cookies: 3,
            http_only: true,
            same_site: Some("Strict".into()),
            ..CookieConfig::default()
        };
        let (id, set) = store.on_upgrade(&config, std::iter::empty());
        let set = set.unwrap();
        assert!(
            set.starts_with(&format!("cbtid={id}; Max-Age=604800")),
            "{set}"
        );
        assert!(set.ends_with("; HttpOnly; SameSite=Strict"), "{set}");
        let header = format!("other=1; cbtid={id}");
        let (again, set) = store.on_upgrade(&config, std::iter::once(header.as_str()));
        assert_eq!(
            (again.as_str(), set),
            (id.as_str(), None),
            "a known cookie is kept"
        );
        let (fresh, set) = store.on_upgrade(&config, std::iter::once("cbtid=forged"));
        assert!(
            fresh != "forged" && set.is_some(),
            "an unknown cookie is replaced"
        );
        for _ in 0..10 {
            store.on_upgrade(&config, std::iter::empty());
        }
        assert_eq!(store.len(), 3, "bounded");
    }
}
