//! Middleware: `tower` layers around a served bundle (authorization by authrole, a request
//! extension the method reads, tower's own timeout, concurrency limit and load shedding), around
//! a typed client (retrying only idempotent methods, a counting layer) and around event handlers
//! (a publisher's authrole checked, an extension the handler reads).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tower::limit::ConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower::timeout::TimeoutLayer;
use tower::util::MapRequestLayer;
use tower::ServiceBuilder;
use wamp_core::message::uris;
use wamp_core::session::Invocation;
use wamp_core::typed::middleware::{Delivery, OutgoingCall, RequireRoleLayer, RetryIdempotent};
use wamp_core::typed::{CallError, Context, EventDetails};
use wamp_core::{event_handlers, wamp_service, WampError};
use wamp_tests::typed::Logged;
use wamp_tests::{anonymous, ticket_user, within, Crossbar};

/// Answered while a flaky method is still failing: the URI a dealer reroutes on.
#[derive(Debug, Clone, PartialEq, WampError)]
pub(crate) enum Busy {
    /// `wamp.error.unavailable`.
    #[wamp(uri = "wamp.error.unavailable")]
    Unavailable,
}

#[wamp_service(prefix = "com.typed.mw")]
trait Guarded {
    /// Who the tagging layer saw calling, and the method's name.
    async fn who(&self, ctx: Context) -> String;
    /// Only `user` may reset.
    async fn reset(&self) -> u32;
    /// Sleeps `ms`, then answers it.
    async fn slow(&self, ms: u64) -> u64;
    /// Fails twice, then answers how many tries it took.
    #[wamp(idempotent)]
    async fn flaky(&self) -> Result<u32, Busy>;
    /// The same, but not idempotent.
    async fn flaky_once(&self) -> Result<u32, Busy>;
}

#[derive(Default)]
struct Guard {
    flaky: AtomicU32,
    flaky_once: AtomicU32,
}

fn fail_twice(tries: &AtomicU32) -> Result<u32, Busy> {
    let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
    if n <= 2 {
        Err(Busy::Unavailable)
    } else {
        Ok(n)
    }
}

impl Guarded for Guard {
    async fn who(&self, ctx: Context) -> String {
        let tag = ctx.extensions().get::<Tag>().map(|t| t.0.clone());
        format!(
            "{} {}",
            tag.unwrap_or_default(),
            ctx.method().unwrap_or("?")
        )
    }
    async fn reset(&self) -> u32 {
        7
    }
    async fn slow(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }
    async fn flaky(&self) -> Result<u32, Busy> {
        fail_twice(&self.flaky)
    }
    async fn flaky_once(&self) -> Result<u32, Busy> {
        fail_twice(&self.flaky_once)
    }
}

/// What the tagging layers put into a request's extensions.
#[derive(Debug, Clone)]
struct Tag(String);

fn tag_invocation(mut invocation: Invocation) -> Invocation {
    let role = invocation
        .caller_authrole()
        .unwrap_or("undisclosed")
        .to_owned();
    invocation.extensions.insert(Tag(role));
    invocation
}

fn uri_of(e: &CallError<impl std::fmt::Debug>) -> Option<String> {
    match e {
        CallError::NotAuthorized(w)
        | CallError::UnknownError(w)
        | CallError::NoSuchProcedure(w)
        | CallError::InvalidArgument(w) => Some(w.uri.clone()),
        _ => None,
    }
}

/// The callee pipeline: the roles, the extension, tower's timeout, limit and shedding.
pub(crate) async fn callee_layers(cb: &Crossbar) {
    let callee = anonymous(cb).await;
    let invoked = Arc::new(AtomicU64::new(0));
    let count = invoked.clone();
    let _handle = Guard::default()
        .service()
        .disclose_caller()
        .layer(
            ServiceBuilder::new()
                .layer(MapRequestLayer::new(move |i: Invocation| {
                    count.fetch_add(1, Ordering::Relaxed);
                    tag_invocation(i)
                }))
                .layer(RequireRoleLayer::new(["user"]).methods(["reset"]))
                .layer(LoadShedLayer::new())
                .layer(ConcurrencyLimitLayer::new(1))
                .layer(TimeoutLayer::new(Duration::from_millis(400))),
        )
        .serve(&callee)
        .await
        .unwrap();
    let user = GuardedClient::new(ticket_user(cb).await);
    let anon = GuardedClient::new(anonymous(cb).await);

    // The extension the first layer set reaches the method, with its name.
    assert_eq!(user.who().await.unwrap(), "user who");
    // `reset` only for `user`; other methods stay open to anyone.
    assert_eq!(user.reset().await.unwrap(), 7);
    let refused = anon.reset().await.unwrap_err();
    assert_eq!(
        uri_of(&refused).as_deref(),
        Some(uris::NOT_AUTHORIZED),
        "{refused:?}"
    );
    assert!(anon.who().await.is_ok());

    // tower's timeout: the invocation is answered `wamp.error.timeout`.
    assert_eq!(user.slow(10).await.unwrap(), 10);
    let late = user.slow(2_000).await.unwrap_err();
    assert!(matches!(late, CallError::Timeout), "{late:?}");

    // One at a time, the rest shed: `wamp.error.unavailable` (which a dealer may reroute;
    // with no other callee the caller sees that or `no_available_callee`).
    let first = tokio::spawn({
        let user = user.clone();
        async move { user.slow(300).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let shed = user.slow(1).await.unwrap_err();
    let uri = uri_of(&shed);
    assert!(
        [uris::UNAVAILABLE, uris::NO_AVAILABLE_CALLEE].contains(&uri.as_deref().unwrap_or("")),
        "{shed:?}"
    );
    assert_eq!(first.await.unwrap().unwrap(), 300);
    assert!(invoked.load(Ordering::Relaxed) >= 8);
}

/// The caller pipeline: a counting layer sees every try; only the idempotent method is retried.
pub(crate) async fn caller_layers(cb: &Crossbar) {
    let callee = anonymous(cb).await;
    let _handle = Guard::default().serve(&callee).await.unwrap();
    let seen: Arc<Mutex<Vec<(String, bool)>>> = Arc::default();
    let log = seen.clone();
    let client = GuardedClient::new(anonymous(cb).await).layer(
        ServiceBuilder::new()
            .layer(
                RetryIdempotent::new(4)
                    .backoff(Duration::from_millis(10))
                    .layer(),
            )
            .layer(MapRequestLayer::new(move |call: OutgoingCall| {
                log.lock()
                    .unwrap()
                    .push((call.method.to_owned(), call.idempotent));
                call
            })),
    );
    // Failing twice, then answering: three tries, all seen below the retry layer.
    assert_eq!(client.flaky().await.unwrap(), 3);
    // Not idempotent: each call is one try, so both fail (`Busy`, or the dealer's
    // `no_available_callee` after a reroute found no other callee).
    assert!(client.flaky_once().await.is_err());
    assert!(client.flaky_once().await.is_err());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("flaky".to_owned(), true),
            ("flaky".to_owned(), true),
            ("flaky".to_owned(), true),
            ("flaky_once".to_owned(), false),
            ("flaky_once".to_owned(), false),
        ]
    );
    // A layered client still makes per-call options and progressive calls.
    assert_eq!(
        client
            .slow(5)
            .timeout(Duration::from_secs(2))
            .await
            .unwrap(),
        5
    );
}

/// Where the event handler below reports.
static EVENTS: Mutex<Option<mpsc::UnboundedSender<String>>> = Mutex::new(None);

struct Audit;

#[event_handlers]
impl Audit {
    #[subscribe(topic = "com.typed.mw.log")]
    async fn on_log(&self, event: Logged, details: EventDetails) {
        let tag = details.extensions().get::<Tag>().map(|t| t.0.clone());
        if let Some(tx) = EVENTS.lock().unwrap().as_ref() {
            let _ = tx.send(format!("{} {}", event.0, tag.unwrap_or_default()));
        }
    }
}

/// The event pipeline: only events a `user` published reach the handler, tagged.
pub(crate) async fn event_layers(cb: &Crossbar) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    *EVENTS.lock().unwrap() = Some(tx);
    let subscriber = anonymous(cb).await;
    let running = subscriber
        .subscribe_handlers_layered(
            Audit,
            ServiceBuilder::new()
                .layer(MapRequestLayer::new(|mut d: Delivery| {
                    d.extensions.insert(Tag(d.event.topic.clone()));
                    d
                }))
                .layer(RequireRoleLayer::new(["user"])),
        )
        .await
        .unwrap();
    let user = ticket_user(cb).await;
    let anon = anonymous(cb).await;
    anon.publish("com.typed.mw.log")
        .args(&("from anonymous", 1))
        .disclose_me()
        .acknowledge()
        .await
        .unwrap();
    user.publish("com.typed.mw.log")
        .args(&("from user", 1))
        .disclose_me()
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(
        within(rx.recv()).await.unwrap(),
        "from user com.typed.mw.log"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while running.failed() < 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        running.failed(),
        1,
        "the anonymous event, refused by the layer"
    );
    assert!(rx.try_recv().is_err());
}
