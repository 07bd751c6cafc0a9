//! Typed services and events that opt in to end-to-end encryption: a service-wide and a
//! per-method `encrypted`, an `encrypted` event type; what the description says; what a peer
//! without the key, or in the clear, gets.

use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::cryptobox::{generate_keypair, Key, KeyRing};
use wamp_core::message::uris;
use wamp_core::typed::{CallError, EventError};
use wamp_core::{wamp_service, Client, Error, Session, WampEvent};
use wamp_router::Protocol;

use super::router;

/// Keeps secrets: every method is end-to-end encrypted.
#[wamp_service(prefix = "com.vault", encrypted, events(Stored))]
trait Vault {
    /// Stores a secret; answers its length.
    async fn store(&self, secret: String) -> usize;
}

/// One sealed method, one in the clear.
#[wamp_service(prefix = "com.mixed")]
trait Mixed {
    /// Doubles, sealed.
    #[wamp(encrypted)]
    async fn sealed(&self, x: i64) -> i64;
    /// Doubles, in the clear.
    async fn open(&self, x: i64) -> i64;
}

/// Published when a secret was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.vault.stored", encrypted)]
struct Stored {
    /// The secret's length.
    len: usize,
}

#[derive(Clone)]
struct Impl;

impl Vault for Impl {
    async fn store(&self, secret: String) -> usize {
        secret.len()
    }
}

impl Mixed for Impl {
    async fn sealed(&self, x: i64) -> i64 {
        2 * x
    }
    async fn open(&self, x: i64) -> i64 {
        2 * x
    }
}

async fn session(url: &str, ring: Option<&KeyRing>) -> Session {
    let client = Client::new(url, "realm1");
    match ring {
        Some(ring) => client.key_ring(ring.clone()),
        None => client,
    }
    .connect()
    .await
    .unwrap()
}

#[tokio::test]
async fn encrypted_services_and_events_seal_or_refuse() {
    let router = router().await;
    let url = router.url(Protocol::WebSocket).unwrap();
    let ring = KeyRing::new()
        .with_key("com.vault", Key::shared(&generate_keypair().0).unwrap())
        .with_key(
            "com.mixed.sealed",
            Key::shared(&generate_keypair().0).unwrap(),
        );
    let callee = session(url, Some(&ring)).await;
    let keyed = session(url, Some(&ring)).await;
    let keyless = session(url, None).await;
    let _vault = Vault::serve(Impl, &callee).await.unwrap();
    let _mixed = Mixed::serve(Impl, &callee).await.unwrap();

    // With the key: sealed both ways.
    assert_eq!(
        VaultClient::new(keyed.clone())
            .store("s3cret".into())
            .await
            .unwrap(),
        6
    );
    let mixed = MixedClient::new(keyed.clone());
    assert_eq!(mixed.sealed(21).await.unwrap(), 42);
    assert_eq!(mixed.open(4).await.unwrap(), 8);

    // Without it: the typed client refuses to send in the clear...
    match VaultClient::new(keyless.clone()).store("x".into()).await {
        Err(CallError::Other(Error::NoKey { uri })) => assert_eq!(uri, "com.vault.store"),
        other => panic!("expected NoKey, got {other:?}"),
    }
    assert_eq!(MixedClient::new(keyless.clone()).open(1).await.unwrap(), 2);
    // ...and the callee refuses a call in the clear.
    let error = keyless
        .call("com.mixed.sealed")
        .args(&(1,))
        .await
        .unwrap_err();
    assert_eq!(error.uri(), Some(uris::ENCRYPTION_REQUIRED), "{error}");

    // The description says which procedures and topics are encrypted, and nothing of keys.
    let vault = VaultClient::description();
    assert!(vault.procedures.iter().all(|p| p.encrypted));
    assert!(vault.topics.iter().all(|t| t.encrypted));
    let mixed = MixedClient::description();
    let sealed: Vec<_> = mixed
        .procedures
        .iter()
        .map(|p| (p.name.as_str(), p.encrypted))
        .collect();
    assert_eq!(sealed, [("sealed", true), ("open", false)]);
    let json = serde_json::to_string(&vault).unwrap();
    assert!(json.contains("\"encrypted\":true"));
    assert!(!json.contains("key"), "{json}");

    // Events: sealed when published typed; one in the clear is refused by the typed stream.
    let mut stored = keyed.subscribe_event::<Stored>().await.unwrap();
    assert!(matches!(
        keyless.publish_event(&Stored { len: 1 }).await,
        Err(Error::NoKey { .. })
    ));
    keyless
        .publish("com.vault.stored")
        .kwargs(&Stored { len: 2 })
        .acknowledge()
        .await
        .unwrap();
    callee
        .publish_event(&Stored { len: 3 })
        .acknowledge()
        .await
        .unwrap();
    match wamp_tests::within(stored.next()).await.unwrap() {
        Err(EventError::NotEncrypted { topic, .. }) => assert_eq!(topic, "com.vault.stored"),
        other => panic!("expected an event refused in the clear, got {other:?}"),
    }
    assert_eq!(
        wamp_tests::within(stored.next()).await.unwrap().unwrap(),
        Stored { len: 3 }
    );
}
