//! Middleware: `tower` layers around a typed service (authorization by authrole, a timeout, a
//! concurrency limit, and a metrics layer written here), around its typed client (retrying
//! the methods marked idempotent, counting tries), and the value a layer hands to a method.
//!
//! Run: `cargo run -p wamp-examples --example typed_middleware` (or add `URL REALM`).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use tower::limit::ConcurrencyLimitLayer;
use tower::timeout::TimeoutLayer;
use tower::util::MapRequestLayer;
use tower::{Layer, Service, ServiceBuilder};
use wamp_core::session::Invocation;
use wamp_core::typed::middleware::{Method, OutgoingCall, RequireRoleLayer, RetryIdempotent};
use wamp_core::typed::{CallError, Context};
use wamp_core::{wamp_service, WampError};
use wamp_examples::{check, Target};

/// Busy for now: the URI a dealer with Call Reroute takes as "try another callee".
#[derive(Debug, Clone, PartialEq, WampError)]
pub enum Busy {
    /// `wamp.error.unavailable`.
    #[wamp(uri = "wamp.error.unavailable")]
    Unavailable,
}

/// A counter.
#[wamp_service(prefix = "com.example.counter")]
pub trait Counter {
    /// The count, and who the layers say is asking.
    async fn count(&self, ctx: Context) -> String;
    /// Resets the count (admins only).
    async fn reset(&self) -> u32;
    /// Takes `ms` milliseconds.
    async fn slow(&self, ms: u64) -> u64;
    /// Reads the count from a store that is busy the first two times: safe to try again.
    #[wamp(idempotent)]
    async fn fetch(&self) -> Result<u32, Busy>;
}

struct Store {
    count: u32,
    fetches: AtomicU32,
}

impl Counter for Store {
    async fn count(&self, ctx: Context) -> String {
        let who = ctx.extensions().get::<Caller>().map(|c| c.0.as_str());
        format!("{} for {}", self.count, who.unwrap_or("?"))
    }
    async fn reset(&self) -> u32 {
        0
    }
    async fn slow(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }
    async fn fetch(&self) -> Result<u32, Busy> {
        match self.fetches.fetch_add(1, Ordering::SeqCst) {
            0 | 1 => Err(Busy::Unavailable),
            _ => Ok(self.count),
        }
    }
}

/// What the first layer tells the methods: the caller's authrole, when the router disclosed it.
#[derive(Debug, Clone)]
struct Caller(String);

/// Invocations and time spent, per method: a layer written by hand.
#[derive(Clone, Default)]
struct Metrics(Arc<Mutex<BTreeMap<&'static str, (u32, Duration)>>>);

impl<S> Layer<S> for Metrics {
    type Service = Measured<S>;
    fn layer(&self, inner: S) -> Measured<S> {
        Measured {
            inner,
            metrics: self.clone(),
        }
    }
}

/// The service of [`Metrics`].
#[derive(Clone)]
struct Measured<S> {
    inner: S,
    metrics: Metrics,
}

impl<S> Service<Invocation> for Measured<S>
where
    S: Service<Invocation>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: Invocation) -> Self::Future {
        let method = invocation.extensions.get::<Method>().map_or("?", |m| m.0);
        let metrics = self.metrics.0.clone();
        let started = Instant::now();
        let answer = self.inner.call(invocation);
        Box::pin(async move {
            let answer = answer.await;
            let mut metrics = metrics.lock().unwrap_or_else(|e| e.into_inner());
            let entry = metrics.entry(method).or_default();
            entry.0 += 1;
            entry.1 += started.elapsed();
            answer
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let metrics = Metrics::default();
    let store = Store {
        count: 42,
        fetches: AtomicU32::new(0),
    };
    // Layers run top to bottom; one stack serves every method of the bundle.
    let _handle = store
        .service()
        .disclose_caller()
        .layer(
            ServiceBuilder::new()
                .layer(metrics.clone())
                .layer(MapRequestLayer::new(|mut invocation: Invocation| {
                    let role = invocation.caller_authrole().unwrap_or("undisclosed");
                    let caller = Caller(role.to_owned());
                    invocation.extensions.insert(caller);
                    invocation
                }))
                .layer(RequireRoleLayer::new(["admin"]).methods(["reset"]))
                .layer(ConcurrencyLimitLayer::new(16))
                .layer(TimeoutLayer::new(Duration::from_millis(200))),
        )
        .serve(&callee)
        .await?;

    let tries = Arc::new(AtomicU32::new(0));
    let counted = tries.clone();
    let counter = CounterClient::new(target.connect().await?).layer(
        ServiceBuilder::new()
            .layer(RetryIdempotent::new(3).layer())
            .layer(MapRequestLayer::new(move |call: OutgoingCall| {
                counted.fetch_add(1, Ordering::Relaxed);
                call
            })),
    );

    let count = counter.count().await?;
    check("count", count.starts_with("42 for "), true)?;
    println!("  ({count})");
    let refused = matches!(counter.reset().await, Err(CallError::NotAuthorized(_)));
    check("reset by a caller who is not admin", refused, true)?;
    let late = matches!(counter.slow(1_000).await, Err(CallError::Timeout));
    check("slow(1000) under a 200 ms timeout layer", late, true)?;
    check("slow(10)", counter.slow(10).await?, 10)?;
    // Busy twice, then answered: the retry layer tried three times.
    let before = tries.load(Ordering::Relaxed);
    check("fetch, retried", counter.fetch().await?, 42)?;
    check("tries of fetch", tries.load(Ordering::Relaxed) - before, 3)?;

    let seen = metrics.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let calls: BTreeMap<&str, u32> = seen.iter().map(|(m, (n, _))| (*m, *n)).collect();
    check(
        "invocations per method",
        calls,
        BTreeMap::from([("count", 1), ("fetch", 3), ("reset", 1), ("slow", 2)]),
    )?;
    Ok(())
}
