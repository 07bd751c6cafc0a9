//! The state every connection task of a router shares: its realms and the session limits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::calls::ServiceSessions;
use crate::cookies::CookieStore;
use crate::metrics::Metrics;
use crate::realm::Realm;

/// What every connection task shares.
pub(crate) struct Shared {
    /// Itself, for the router's own sessions ([`crate::service`]).
    pub(crate) me: std::sync::Weak<Shared>,
    pub(crate) realms: HashMap<String, Arc<Realm>>,
    pub(crate) outbound_queue: usize,
    pub(crate) outbound_bytes: usize,
    pub(crate) handshake_timeout: Duration,
    /// Counted when metrics are on ([`crate::RouterBuilder::metrics`]).
    pub(crate) metrics: Option<Arc<Metrics>>,
    /// The router's own sessions, for dynamic authenticators and authorizers.
    pub(crate) services: ServiceSessions,
    /// The cookies WebSocket listeners set (cookie authentication).
    pub(crate) cookies: CookieStore,
}
