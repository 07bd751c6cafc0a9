//! Dynamic authentication and authorization: procedures that a session registers on an
//! administrative realm decide who joins and what they may do (Crossbar.io's signatures), with
//! a timeout and a bounded cache.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, Dict, Error, Session, Value, WampError};
use wamp_router::auth::{DynamicAuth, DynamicAuthorizer};
use wamp_router::authorization::Role;
use wamp_router::{Listener, Protocol, RealmConfig, Router};
use wamp_tests::trace;

fn field<'a>(map: &'a Dict, key: &str) -> Option<&'a str> {
    match map.get(key) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

fn refused(result: Result<Session, Error>) -> (String, String) {
    match result {
        Err(Error::Refused {
            reason, message, ..
        }) => (reason, message.unwrap_or_default()),
        other => panic!("expected an ABORT, got {other:?}"),
    }
}

/// The authenticator: `(realm, authid, details)`. Tickets are `s3cret-<authid>`; `bob` uses
/// WAMP-CRA with the secret `cra-secret`; `mallory` is banned; `slow` takes two seconds.
async fn authenticator(inv: Invocation, asked: Arc<AtomicUsize>) -> Result<Arguments, WampError> {
    asked.fetch_add(1, Ordering::SeqCst);
    let (realm, authid, details): (String, Option<String>, Dict) = inv.args()?;
    assert_eq!(realm, "app");
    let authid = authid.unwrap_or_default();
    assert!(matches!(details.get("transport"), Some(Value::Map(_))));
    match (authid.as_str(), field(&details, "authmethod")) {
        ("mallory", _) => Err(WampError::with_message("com.auth.error.banned", "banned")),
        ("slow", _) => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok(Arguments::value(&"user")?)
        }
        ("bob", Some("wampcra")) => Ok(Arguments::value(
            &serde_json::json!({"secret": "cra-secret", "role": "user"}),
        )?),
        (id, Some("ticket")) if field(&details, "ticket") == Some(&format!("s3cret-{id}")) => Ok(
            Arguments::value(&serde_json::json!({"role": "user", "extra": {"tier": "gold"}}))?,
        ),
        _ => Err(WampError::with_message(
            "wamp.error.authentication_failed",
            "wrong ticket",
        )),
    }
}

/// The authorizer: `(session, uri, action, options)`. `com.app.public.*` is allowed (and
/// cacheable), `com.app.slow` takes a second, `com.app.broken` gets a malformed answer,
/// anything else is denied.
async fn authorizer(inv: Invocation, asked: Arc<AtomicUsize>) -> Result<Arguments, WampError> {
    asked.fetch_add(1, Ordering::SeqCst);
    let (session, uri, action, _options): (Dict, String, String, Dict) = inv.args()?;
    assert_eq!(field(&session, "authrole"), Some("guest"));
    assert!(["call", "register", "publish", "subscribe"].contains(&action.as_str()));
    if uri.starts_with("com.app.public.") {
        return Ok(Arguments::value(
            &serde_json::json!({"allow": true, "cache": true}),
        )?);
    }
    match uri.as_str() {
        "com.app.slow" => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            Ok(Arguments::value(&true)?)
        }
        "com.app.broken" => Ok(Arguments::value(&"yes")?),
        _ => Ok(Arguments::value(&false)?),
    }
}

struct Setup {
    router: Router,
    /// Registers the procedures; kept alive.
    _admin: Session,
    authentications: Arc<AtomicUsize>,
    authorizations: Arc<AtomicUsize>,
}

async fn setup() -> Setup {
    trace();
    let app = RealmConfig::new("app")
        .authenticator(
            DynamicAuth::new("ticket", "com.auth.authenticate")
                .realm("admin")
                .timeout(Duration::from_millis(300))
                .cache(100, Duration::from_secs(60)),
        )
        .authenticator(DynamicAuth::new("wampcra", "com.auth.authenticate").realm("admin"))
        .authenticator(wamp_router::auth::Anonymous::new("guest"))
        .role(Role::trusted("user"))
        .authorizer(
            "guest",
            DynamicAuthorizer::new("com.auth.authorize")
                .realm("admin")
                .timeout(Duration::from_millis(300)),
        );
    let router = Router::builder()
        .realm_config(app)
        .realm("admin")
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let admin = router.connect("admin").await.unwrap();
    let authentications = Arc::new(AtomicUsize::new(0));
    let authorizations = Arc::new(AtomicUsize::new(0));
    let asked = authentications.clone();
    admin
        .register("com.auth.authenticate", move |inv| {
            authenticator(inv, asked.clone())
        })
        .await
        .unwrap()
        .keep();
    let asked = authorizations.clone();
    admin
        .register("com.auth.authorize", move |inv| {
            authorizer(inv, asked.clone())
        })
        .await
        .unwrap()
        .keep();
    Setup {
        router,
        _admin: admin,
        authentications,
        authorizations,
    }
}

fn client(router: &Router) -> Client {
    Client::new(router.url(Protocol::WebSocket).unwrap(), "app")
}

#[tokio::test]
async fn a_procedure_authenticates_ticket_and_wampcra_clients() {
    let s = setup().await;
    let alice = client(&s.router).authid("alice").ticket("s3cret-alice");
    let session = alice.connect().await.unwrap();
    let info = session.info();
    assert_eq!(info.authid.as_deref(), Some("alice"));
    assert_eq!(info.authrole.as_deref(), Some("user"));
    assert_eq!(info.authmethod.as_deref(), Some("ticket"));
    assert_eq!(info.authprovider.as_deref(), Some("dynamic"));
    match info.details.get("authextra") {
        Some(Value::Map(extra)) => {
            assert!(extra.contains(&(Value::Text("tier".into()), Value::Text("gold".into()))))
        }
        other => panic!("WELCOME authextra: {other:?}"),
    }
    session.leave().await;
    // The cache answers the same ticket again; another ticket is asked.
    let asked = s.authentications.load(Ordering::SeqCst);
    let again = client(&s.router).authid("alice").ticket("s3cret-alice");
    again.connect().await.unwrap().leave().await;
    assert_eq!(s.authentications.load(Ordering::SeqCst), asked, "cached");
    let wrong = client(&s.router).authid("alice").ticket("guess");
    let (reason, message) = refused(wrong.connect().await);
    assert_eq!(
        (reason.as_str(), message.as_str()),
        ("wamp.error.authentication_failed", "wrong ticket")
    );
    assert_eq!(s.authentications.load(Ordering::SeqCst), asked + 1);

    // The procedure's own error URI ends the join.
    let mallory = client(&s.router).authid("mallory").ticket("s3cret-mallory");
    assert_eq!(refused(mallory.connect().await).0, "com.auth.error.banned");
    // No answer in time.
    let slow = client(&s.router).authid("slow").ticket("s3cret-slow");
    let (reason, message) = refused(slow.connect().await);
    assert_eq!(reason, "wamp.error.authentication_failed");
    assert!(message.contains("no answer within"), "{message}");

    // WAMP-CRA: the procedure gives the secret, the router runs the challenge.
    let bob = client(&s.router).authid("bob").wampcra("cra-secret");
    let session = bob.connect().await.unwrap();
    assert_eq!(session.info().authmethod.as_deref(), Some("wampcra"));
    assert_eq!(session.info().authprovider.as_deref(), Some("dynamic"));
    session.leave().await;
    let wrong = client(&s.router).authid("bob").wampcra("not-it");
    assert_eq!(
        refused(wrong.connect().await).0,
        "wamp.error.authentication_failed"
    );
}

#[tokio::test]
async fn a_procedure_authorizes_each_action_and_a_failure_is_not_a_denial() {
    let s = setup().await;
    let guest = client(&s.router).connect().await.unwrap();
    assert_eq!(guest.info().authrole.as_deref(), Some("guest"));
    let echo = |inv: Invocation| async move { Ok(inv.arguments) };
    guest
        .register("com.app.public.echo", echo)
        .await
        .unwrap()
        .keep();
    for n in 0..3 {
        let answer: i64 = guest
            .call("com.app.public.echo")
            .args(&(n,))
            .await
            .unwrap()
            .value()
            .unwrap();
        assert_eq!(answer, n);
    }
    assert_eq!(
        s.authorizations.load(Ordering::SeqCst),
        2,
        "REGISTER and the first CALL asked; the answers allowed caching"
    );
    let uri_of = |e: Error| {
        e.wamp()
            .map(|w| w.uri.clone())
            .unwrap_or_else(|| e.to_string())
    };
    let denied = guest.call("com.app.private").await.unwrap_err();
    assert_eq!(uri_of(denied), "wamp.error.not_authorized");
    let denied = guest.subscribe("com.app.private.news").await.unwrap_err();
    assert_eq!(uri_of(denied), "wamp.error.not_authorized");
    let failed = guest.call("com.app.slow").await.unwrap_err();
    assert_eq!(uri_of(failed), "wamp.error.authorization_failed");
    let failed = guest
        .publish("com.app.broken")
        .acknowledge()
        .await
        .unwrap_err();
    assert_eq!(uri_of(failed), "wamp.error.authorization_failed");
    // The session goes on, its requests in order.
    let answer: String = guest
        .call("com.app.public.echo")
        .args(&("still here",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(answer, "still here");
    // A user of a static role is not asked.
    let asked = s.authorizations.load(Ordering::SeqCst);
    let alice = client(&s.router).authid("alice").ticket("s3cret-alice");
    let alice = alice.connect().await.unwrap();
    let sum: String = alice
        .call("com.app.public.echo")
        .args(&("static",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(sum, "static");
    assert_eq!(s.authorizations.load(Ordering::SeqCst), asked);
}
