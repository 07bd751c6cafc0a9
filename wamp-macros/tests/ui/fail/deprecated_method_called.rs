//! Calling a deprecated method through the typed client warns as calling the method would.
#![deny(deprecated)]

use wamp_core::wamp_service;

#[wamp_service(prefix = "com.old")]
trait Old {
    #[deprecated(note = "use new")]
    async fn add(&self, a: i64) -> i64;
}

async fn call(client: OldClient) {
    let _ = client.add(1).await;
}

fn main() {}
