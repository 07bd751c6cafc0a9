//! A cookie jar for WebSocket connections: what a router sets with `Set-Cookie` on the
//! upgrade is presented again on later connections to the same host, so that a router with
//! cookie authentication (Crossbar.io, `wamp-router`) knows the client again
//! ([`Client::cookie_auth`](crate::Client::cookie_auth)).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Cookies by host. Cheap to clone: clones share the cookies, so several clients (or one
/// client across reconnects) can present the same ones.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    /// host -> name -> value.
    cookies: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
}

/// At most this many cookies are kept per host (a router cannot grow the jar without bound).
const PER_HOST: usize = 32;

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<String, String>>> {
        self.cookies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the cookie of a `Set-Cookie` header value from `host` (its attributes are not
    /// kept: the router decides how long it honours a cookie).
    pub fn store(&self, host: &str, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return;
        }
        let mut jar = self.lock();
        let cookies = jar.entry(host.to_owned()).or_default();
        if cookies.len() < PER_HOST || cookies.contains_key(name) {
            cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    /// The `Cookie` header value for `host`, if the jar holds any of its cookies.
    pub fn header(&self, host: &str) -> Option<String> {
        let jar = self.lock();
        let cookies = jar.get(host).filter(|c| !c.is_empty())?;
        let mut pairs: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        pairs.sort();
        Some(pairs.join("; "))
    }

    /// The value of the cookie `name` from `host`.
    pub fn get(&self, host: &str, name: &str) -> Option<String> {
        self.lock().get(host)?.get(name).cloned()
    }

    /// Forgets every cookie of `host`.
    pub fn clear(&self, host: &str) {
        self.lock().remove(host);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_kept_per_host_without_attributes() {
        let jar = CookieJar::new();
        jar.store("127.0.0.1:8080", "cbtid=abc; Max-Age=604800; HttpOnly");
        jar.store("127.0.0.1:8080", "theme=dark");
        jar.store("other:1", "cbtid=zzz");
        assert_eq!(
            jar.header("127.0.0.1:8080").as_deref(),
            Some("cbtid=abc; theme=dark")
        );
        assert_eq!(jar.get("other:1", "cbtid").as_deref(), Some("zzz"));
        jar.store("127.0.0.1:8080", "cbtid=new");
        assert_eq!(jar.get("127.0.0.1:8080", "cbtid").as_deref(), Some("new"));
        for n in 0..100 {
            jar.store("flood", &format!("c{n}=1"));
        }
        assert_eq!(jar.lock().get("flood").map(HashMap::len), Some(PER_HOST));
        jar.clear("127.0.0.1:8080");
        assert_eq!(jar.header("127.0.0.1:8080"), None);
    }
}
