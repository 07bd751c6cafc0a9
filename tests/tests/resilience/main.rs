//! Faults on the connection, and what the client does about them.
//!
//! - The router (embedded, then a private Crossbar node) is stopped and started again while
//!   calls and events flow. Every registration (raw and typed) and subscription (stream and
//!   `#[event_handlers]`) is restored, every call ends in a result or a typed error within a bound,
//!   and no task panics. The measured recovery figures are printed as `RESILIENCE ...` lines.
//! - A TCP proxy on loopback cuts the connection in the middle of a RawSocket frame, freezes it
//!   (a peer that vanished without a close, found by the keepalive), or refuses connections (a
//!   router that is down) to test the waiting bound, giving up, and leaving while reconnecting.
//! - The limits: calls in flight, invocations running at once, message sizes, a slow subscriber
//!   and a slow progressive-call consumer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::future::IntoFuture as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::sync::mpsc;
use wamp_core::session::{
    Invocation, ReconnectPolicy, RestoreReport, SessionEvent, SessionEvents, SessionState,
};
use wamp_core::typed::{CallError, EventDetails};
use wamp_core::{event_handlers, Arguments, Client, CloseReason, Error, Serializer, Session};
use wamp_router::{Listener, Router};
use wamp_tests::embedded::interop_realm;
use wamp_tests::proxy::{Mode, Proxy};
use wamp_tests::typed::{Calc, Calculator as _, CalculatorClient, Computed};
use wamp_tests::{cred, missing_peer, trace, within};

mod faults;
mod limits;
mod restart;

/// Prints a measured figure where the README's test command shows it (not captured).
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "RESILIENCE {line}");
}

/// A policy that retries fast, for tests.
fn fast() -> ReconnectPolicy {
    ReconnectPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(500))
        .request_wait(Duration::from_secs(10))
}

/// Waits (at most `limit`) for the next event matching `want`.
async fn wait_event<T>(
    events: &mut SessionEvents,
    limit: Duration,
    mut want: impl FnMut(&SessionEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(limit, async {
        loop {
            let event = events.recv().await.expect("the session's events go on");
            if let Some(found) = want(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the awaited session event came in time")
}

fn restored(event: &SessionEvent) -> Option<RestoreReport> {
    match event {
        SessionEvent::Restored(report) => Some(report.clone()),
        _ => None,
    }
}

/// Waits until the state watch satisfies `want`.
async fn wait_state(session: &Session, want: impl Fn(&SessionState) -> bool) -> SessionState {
    let mut state = session.state();
    let found = tokio::time::timeout(Duration::from_secs(10), state.wait_for(|s| want(s)))
        .await
        .expect("the awaited state came in time")
        .expect("the state channel is open");
    found.clone()
}

// ---------------------------------------------------------------------------------------------
// A router and proxies in front of it, for the faults and the limits
// ---------------------------------------------------------------------------------------------

/// The `host:port` of a router's TCP listener `i`.
fn host(router: &Router, i: usize) -> String {
    router.endpoints()[i]
        .addr
        .expect("a TCP listener")
        .to_string()
}

/// An embedded router with a slow procedure and an echo, and a proxy in front of its listeners.
struct Rig {
    router: Router,
    /// A session joined in-process (not through the proxies): the callee of `slow` and `echo`.
    inside: Session,
    ws_proxy: Proxy,
    tcp_proxy: Proxy,
}

impl Rig {
    async fn new() -> Rig {
        let router = Router::builder()
            .realm_config(interop_realm())
            .listener(Listener::websocket("127.0.0.1:0"))
            .listener(Listener::rawsocket("127.0.0.1:0"))
            .start()
            .await
            .unwrap();
        let ws_proxy = Proxy::start(&host(&router, 0)).await;
        let tcp_proxy = Proxy::start(&host(&router, 1)).await;
        let callee = router.connect(&cred("realm", "")).await.unwrap();
        callee
            .register("com.rig.slow", |inv: Invocation| async move {
                let ms: u64 = inv.value()?;
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(Arguments::value(&ms)?)
            })
            .await
            .unwrap()
            .keep();
        callee
            .register("com.rig.echo", |inv: Invocation| async move {
                Ok(inv.arguments)
            })
            .await
            .unwrap()
            .keep();
        Rig {
            router,
            inside: callee,
            ws_proxy,
            tcp_proxy,
        }
    }

    fn ws(&self) -> String {
        format!("ws://{}/ws", self.ws_proxy.addr())
    }

    fn tcp(&self) -> String {
        format!("tcp://{}", self.tcp_proxy.addr())
    }

    fn client(&self, url: &str) -> Client {
        Client::new(url, cred("realm", ""))
    }
}
