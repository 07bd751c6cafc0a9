//! Deprecated, encrypted and stream-taking methods and a deprecated, encrypted event compile
//! without a warning: serving a deprecated method, or deriving for a deprecated event, is no use.
#![deny(missing_docs, warnings)]

use futures::{Stream, StreamExt as _};
use wamp_core::{wamp_service, WampEvent};

/// Old news (no serde or schemars derive here: theirs may warn on a deprecated type).
#[deprecated(note = "use Fresh")]
#[derive(WampEvent)]
#[wamp(topic = "com.adv.stale", encrypted)]
pub struct Stale(pub String);

/// A service.
#[wamp_service(prefix = "com.adv", encrypted)]
pub trait Adv {
    /// Old.
    #[deprecated = "use sum"]
    async fn add(&self, a: i64, b: i64) -> i64;
    /// Sums a stream.
    async fn sum(&self, numbers: impl Stream<Item = i64>) -> i64;
}

/// The implementation.
pub struct Impl;

#[allow(deprecated)]
impl Adv for Impl {
    async fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }
    async fn sum(&self, numbers: impl Stream<Item = i64> + Send) -> i64 {
        numbers.fold(0, |a, b| async move { a + b }).await
    }
}

fn main() {
    let d = AdvClient::description();
    assert_eq!(d.procedures[0].deprecated.as_deref(), Some("use sum"));
    assert!(d.procedures.iter().all(|p| p.encrypted));
    assert!(d.procedures[1].input.is_some());
}
