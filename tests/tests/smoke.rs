//! A first end-to-end check: a Rust caller and callee through Crossbar over every transport.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use wamp_core::{Arguments, Client, Serializer};
use wamp_tests::*;

#[tokio::test]
async fn smoke_call_through_crossbar() {
    trace();
    let cb = require_crossbar!();
    for url in [&cb.ws, &cb.tcp, &cb.unix] {
        for s in [Serializer::Json, Serializer::MsgPack, Serializer::Cbor] {
            let callee = Client::new(url.clone(), &cb.realm)
                .serializer(s)
                .connect()
                .await
                .unwrap();
            let proc_ = unique("com.smoke.add");
            let _reg = callee
                .register(
                    proc_.clone(),
                    |inv: wamp_core::session::Invocation| async move {
                        let (a, b): (i64, i64) = inv.args()?;
                        Ok(Arguments::value(&(a + b))?)
                    },
                )
                .await
                .unwrap();
            let caller = Client::new(url.clone(), &cb.realm)
                .serializer(s)
                .connect()
                .await
                .unwrap();
            let sum: i64 = caller
                .call(proc_)
                .args(&(2, 3))
                .await
                .unwrap()
                .value()
                .unwrap();
            assert_eq!(sum, 5);
            println!("{url} {s}: ok, session {}", caller.id());
            caller.leave().await;
            callee.leave().await;
        }
    }
}
