//! What a new user of the typed layer meets first, at run time: services that already exist
//! under loose URIs (bound both ways, through the embedded router and through Crossbar).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::json;
use wamp_core::session::Invocation;
use wamp_core::Arguments;
use wamp_tests::legacy::{Legacy as _, ModernClient, Users};
use wamp_tests::{anonymous, trace, within, Target};

#[tokio::test]
async fn loose_uris_bind_both_ways_through_both_routers() {
    trace();
    for target in [Target::Embedded, Target::Crossbar] {
        let Some(routed) = wamp_tests::target(target).await else {
            return;
        };
        within(async {
            let cb = &routed.endpoints;
            // A Rust service under loose URIs, called by a raw (Autobahn-style) caller.
            let callee = anonymous(cb).await;
            let _service = Users.serve(&callee).await.unwrap();
            let caller = anonymous(cb).await;
            let result = caller
                .call("com.legacy.getUser")
                .args(&[7])
                .await
                .unwrap()
                .arguments
                .decode_value::<String>()
                .unwrap();
            assert_eq!(result, "user-7", "{target:?}");

            // A legacy raw callee under a loose URI, called through the typed client.
            let legacy = anonymous(cb).await;
            let _reg = legacy
                .register("com.Legacy.listUsers", |_: Invocation| async {
                    Ok(Arguments::value(&json!(["ann", "bob"]))?)
                })
                .await
                .unwrap();
            let client = ModernClient::new(caller.clone());
            assert_eq!(
                client.list_users().await.unwrap(),
                ["ann", "bob"],
                "{target:?}"
            );
        })
        .await;
    }
}
