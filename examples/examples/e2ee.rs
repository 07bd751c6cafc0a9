//! End-to-end encryption (WAMP-cryptobox, wire-compatible with autobahn-python): a typed
//! service declared `encrypted` is called with sealed arguments and answers sealed results; the
//! router, and a subscriber without the key, see only ciphertext; a wrong key is a clear error.
//!
//! Run: `cargo run -p wamp-examples --example e2ee` (or add `URL REALM`, Crossbar.io included).

use wamp_core::cryptobox::{generate_keypair, Key, KeyRing};
use wamp_core::message::uris;
use wamp_core::typed::CallError;
use wamp_core::{wamp_service, Client, Error};
use wamp_examples::{check, next, Target};

/// Keeps secrets; every call and result is sealed.
#[wamp_service(prefix = "com.example.vault", encrypted)]
pub trait Vault {
    /// Stores a secret and answers its length.
    async fn store(&self, secret: String) -> usize;
}

struct Safe;

impl Vault for Safe {
    async fn store(&self, secret: String) -> usize {
        println!("  callee: got {secret:?} (opened with its key)");
        secret.len()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    // The caller and the callee each hold their private key and the other's public key.
    let (caller_private, caller_public) = generate_keypair();
    let (callee_private, callee_public) = generate_keypair();
    let callee_keys = KeyRing::new().with_key(
        "com.example.vault",
        Key::responder(&callee_private, &caller_public)?,
    );
    let caller_keys = KeyRing::new().with_key(
        "com.example.vault",
        Key::originator(&caller_private, &callee_public)?,
    );
    let with = |keys: KeyRing| {
        Client::new(&target.url, &target.realm)
            .key_ring(keys)
            .connect()
    };
    let callee = with(callee_keys).await?;
    let _service = Safe.serve(&callee).await?;

    let caller = with(caller_keys.clone()).await?;
    let length = VaultClient::new(caller.clone())
        .store("open sesame".into())
        .await?;
    check("sealed call, sealed result", length, 11)?;

    // A keyless client is refused before anything is sent...
    let keyless = target.connect().await?;
    match VaultClient::new(keyless.clone()).store("x".into()).await {
        Err(CallError::Other(Error::NoKey { uri })) => {
            check("no key for", uri.as_str(), "com.example.vault.store")?
        }
        other => anyhow::bail!("expected NoKey, got {other:?}"),
    };
    // ...and sees only ciphertext of a sealed event.
    let mut raw = keyless.subscribe("com.example.vault.news").await?;
    caller
        .publish("com.example.vault.news")
        .args(&("the password is swordfish",))
        .acknowledge()
        .await?;
    let seen = next("the sealed event", &mut raw).await??;
    let sealed = seen.passthru.map(|p| p.payload).unwrap_or_default();
    let readable = String::from_utf8_lossy(&sealed).contains("swordfish");
    check("keyless subscriber reads the secret", readable, false)?;

    // A caller with the wrong key gets a clear error, not garbage.
    let (stranger, _) = generate_keypair();
    let wrong = with(KeyRing::new().with_key(
        "com.example.vault",
        Key::originator(&stranger, &callee_public)?,
    ))
    .await?;
    match VaultClient::new(wrong).store("x".into()).await {
        Err(CallError::UnknownError(e)) => check("wrong key", e.uri.as_str(), uris::DECRYPT_ERROR)?,
        other => anyhow::bail!("expected a decrypt error, got {other:?}"),
    };
    Ok(())
}
