//! What a hostile or broken router cannot make this client do: key derivations it asks for are
//! bounded before any work, and run off the async runtime so that the join timeout holds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use futures::{SinkExt as _, StreamExt as _};
use wamp_core::auth::{AuthError, Authenticator, KdfLimits};
use wamp_core::message::{self, keys, Authenticate, Message};
use wamp_core::transport::memory::{self, MemoryTransport};
use wamp_core::transport::TransportError;
use wamp_core::{Client, Dict, Error, Value};
use wamp_tests::{trace, within};

/// Starts a join over an in-memory pair and answers HELLO with `challenge(hello)`.
async fn challenged(
    client: Client,
    challenge: impl FnOnce(&Dict) -> message::Challenge,
) -> (Result<wamp_core::Session, Error>, MemoryTransport) {
    trace();
    let (client_end, mut router) = memory::pair(16);
    let join = tokio::spawn(client.join(Box::new(client_end)));
    let hello = match router.next().await {
        Some(Ok(Message::Hello(h))) => h,
        other => panic!("expected HELLO, got {other:?}"),
    };
    router
        .send(Message::Challenge(challenge(&hello.details)))
        .await
        .unwrap();
    (within(join).await.unwrap(), router)
}

/// The client nonce announced in HELLO.authextra.
fn client_nonce(hello: &Dict) -> String {
    match hello.get(keys::AUTHEXTRA) {
        Some(Value::Map(extra)) => extra
            .iter()
            .find(|(k, _)| k.as_text() == Some("nonce"))
            .and_then(|(_, v)| v.as_text())
            .unwrap()
            .to_owned(),
        other => panic!("no authextra: {other:?}"),
    }
}

fn scram_challenge(
    hello: &Dict,
    kdf: &str,
    iterations: u64,
    memory: Option<u64>,
) -> message::Challenge {
    let mut extra = Dict::new();
    extra.insert(
        "nonce".into(),
        Value::Text(format!("{}server", client_nonce(hello))),
    );
    extra.insert("salt".into(), Value::Text("c2FsdHNhbHQ=".into()));
    extra.insert("kdf".into(), Value::Text(kdf.into()));
    extra.insert("iterations".into(), Value::from(iterations));
    if let Some(memory) = memory {
        extra.insert("memory".into(), Value::from(memory));
    }
    message::Challenge {
        method: "wamp-scram".into(),
        extra,
    }
}

fn refused_over_limit(result: Result<wamp_core::Session, Error>, what: &str) {
    match result {
        Err(Error::Auth(e)) => {
            assert!(e.reason.contains(what) && e.reason.contains("limit"), "{e}");
        }
        Err(other) => panic!("expected an authentication error naming {what}, got {other}"),
        Ok(_) => panic!("joined"),
    }
}

fn scram_client() -> Client {
    Client::new("memory://", "realm1")
        .authid("alice")
        .scram("password")
}

#[tokio::test]
async fn argon2_memory_over_the_limit_is_refused_before_any_work() {
    // 4 GiB: before the limits, the client allocated it.
    let (result, _router) = challenged(scram_client(), |hello| {
        scram_challenge(hello, "argon2id13", 1, Some(4 * 1024 * 1024))
    })
    .await;
    refused_over_limit(result, "argon2 memory");
    // Within the memory bound but not the work bound (memory x passes).
    let (result, _router) = challenged(scram_client(), |hello| {
        scram_challenge(hello, "argon2id13", 1 << 20, Some(1024))
    })
    .await;
    refused_over_limit(result, "argon2 work");
}

#[tokio::test]
async fn pbkdf2_iterations_over_the_limit_are_refused() {
    let (result, _router) = challenged(scram_client(), |hello| {
        scram_challenge(hello, "pbkdf2", 2_000_000_000, None)
    })
    .await;
    refused_over_limit(result, "pbkdf2 iterations");
    // The bound is the client's to set.
    let tight = KdfLimits {
        pbkdf2_iterations: 100,
        ..KdfLimits::default()
    };
    let (result, _router) = challenged(scram_client().kdf_limits(tight), |hello| {
        scram_challenge(hello, "pbkdf2", 4096, None)
    })
    .await;
    refused_over_limit(result, "pbkdf2 iterations");
}

#[tokio::test]
async fn salted_wampcra_iterations_over_the_limit_are_refused() {
    let client = Client::new("memory://", "realm1")
        .authid("alice")
        .wampcra("secret");
    let (result, _router) = challenged(client, |_| {
        let mut extra = Dict::new();
        extra.insert("challenge".into(), Value::Text("{}".into()));
        extra.insert("salt".into(), Value::Text("salt".into()));
        extra.insert("iterations".into(), Value::from(2_000_000_000u64));
        message::Challenge {
            method: "wampcra".into(),
            extra,
        }
    })
    .await;
    refused_over_limit(result, "iterations");
}

/// An authenticator whose answer takes two seconds of blocking work, as a slow key derivation.
struct Slow;

impl Authenticator for Slow {
    fn method(&self) -> &str {
        "x_slow"
    }

    fn respond(&mut self, _challenge: &Dict) -> Result<Authenticate, AuthError> {
        std::thread::sleep(Duration::from_secs(2));
        Ok(Authenticate {
            signature: String::new(),
            extra: Dict::new(),
        })
    }
}

/// On a single-threaded runtime, a challenge that takes long to answer does not stop the
/// runtime: the join timeout fires on time.
#[tokio::test(flavor = "current_thread")]
async fn a_slow_challenge_does_not_block_the_runtime_and_the_join_timeout_holds() {
    let client = Client::new("memory://", "realm1")
        .authenticator(Slow)
        .join_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let (result, _router) = challenged(client, |_| message::Challenge {
        method: "x_slow".into(),
        extra: Dict::new(),
    })
    .await;
    let took = started.elapsed();
    match result {
        Err(Error::Transport(TransportError::ConnectTimeout(t))) => {
            assert_eq!(t, Duration::from_millis(200));
        }
        Err(other) => panic!("expected the join timeout, got {other}"),
        Ok(_) => panic!("joined"),
    }
    // Not a speed assertion: with the answer on the runtime's only thread, the timeout could
    // not fire before the two seconds of blocking work were over.
    assert!(
        took < Duration::from_secs(2),
        "the join ended after {took:?}"
    );
}
