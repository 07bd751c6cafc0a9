//! What the examples share: a router to run against. With no command-line argument each example
//! starts the embedded `wamp-router` in its own process; with `URL [REALM]` it joins that router
//! instead (Crossbar.io, or `wamp-router --ws 127.0.0.1:8080`).

use std::fmt::Debug;
use std::time::Duration;

use futures::{Stream, StreamExt as _};
use wamp_core::message::{Feature, Role};
use wamp_core::{Client, Session};
use wamp_router::{Listener, Protocol, RealmConfig, Router};

/// A router the example runs against, kept alive while this value lives.
pub struct Target {
    /// The embedded router, if the example started one.
    pub router: Option<Router>,
    /// Where to connect.
    pub url: String,
    /// The realm.
    pub realm: String,
}

impl Target {
    /// The router named on the command line, or an embedded one on a free port.
    pub async fn from_args() -> anyhow::Result<Self> {
        Self::from_args_with(|realm| realm).await
    }

    /// As [`Target::from_args`], the embedded router's realm set up by `realm` (event history,
    /// for example).
    pub async fn from_args_with(
        realm: impl FnOnce(RealmConfig) -> RealmConfig,
    ) -> anyhow::Result<Self> {
        let mut argv = std::env::args().skip(1);
        if let Some(url) = argv.next() {
            let realm = argv.next().unwrap_or_else(|| "realm1".into());
            return Ok(Self {
                router: None,
                url,
                realm,
            });
        }
        let router = Router::builder()
            .realm_config(realm(RealmConfig::anonymous("realm1")))
            .listener(Listener::websocket("127.0.0.1:0"))
            .start()
            .await?;
        let url = router
            .url(Protocol::WebSocket)
            .unwrap_or_default()
            .to_owned();
        println!("embedded router listening on {url}");
        Ok(Self {
            router: Some(router),
            url,
            realm: "realm1".into(),
        })
    }

    /// A new session over WebSocket, like any remote client.
    pub async fn connect(&self) -> anyhow::Result<Session> {
        Ok(self.client().connect().await?)
    }

    /// A client of this router, to set up before it connects.
    pub fn client(&self) -> Client {
        Client::new(&self.url, &self.realm)
    }
}

/// Prints `what: got` and fails unless `got` is `want`: every example checks what it prints, so
/// `scripts/run-examples.sh` fails on a wrong result.
pub fn check<T: PartialEq + Debug>(what: &str, got: T, want: T) -> anyhow::Result<T> {
    println!("{what}: {got:?}");
    if got != want {
        anyhow::bail!("{what}: expected {want:?}, got {got:?}");
    }
    Ok(got)
}

/// The next item of `stream` within five seconds; a missing one fails, naming `what`, instead of
/// waiting forever.
pub async fn next<S: Stream + Unpin>(what: &str, stream: &mut S) -> anyhow::Result<S::Item> {
    match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        Ok(Some(item)) => Ok(item),
        Ok(None) => anyhow::bail!("{what}: the stream ended"),
        Err(_) => anyhow::bail!("{what}: nothing arrived within 5 s"),
    }
}

/// Fails, naming the feature, unless the router announces it: an example says what a router
/// lacks and exits non-zero rather than wait for what will never come.
pub fn require(session: &Session, role: Role, feature: Feature) -> anyhow::Result<()> {
    if !session.info().router_has(role, feature) {
        anyhow::bail!("this example needs a router whose {role} announces {feature}");
    }
    Ok(())
}
