//! Call reroute: a callee that cannot take a call now answers `wamp.error.unavailable`, and a
//! dealer that implements Call Reroute (`wamp-router` does; Crossbar.io does not) gives the call
//! to another callee of the shared registration.
//!
//! Run: `cargo run -p wamp-examples --example call_reroute` (or add `URL REALM`).

use std::time::Duration;

use wamp_core::message::{Feature, InvokePolicy, Role};
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client};
use wamp_examples::{check, require, Target};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let caller = target.connect().await?;
    require(&caller, Role::Dealer, Feature::CallReroute)?;
    // Each worker runs one call at a time; more are answered `unavailable`.
    let mut workers = Vec::new();
    for name in ["worker 1", "worker 2"] {
        let worker = Client::new(&target.url, &target.realm)
            .max_concurrent_invocations(1)
            .connect()
            .await?;
        worker
            .register("com.example.render", move |_: Invocation| async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Ok(Arguments::value(&name)?)
            })
            .invoke(InvokePolicy::First)
            .await?
            .keep();
        workers.push(worker);
    }
    // `first` picks worker 1 each time; while it is busy the second call goes to worker 2.
    let (a, b) = tokio::join!(
        caller.call("com.example.render"),
        caller.call("com.example.render")
    );
    let mut served: Vec<String> = vec![a?.value()?, b?.value()?];
    served.sort();
    check(
        "served by",
        served,
        vec!["worker 1".into(), "worker 2".into()],
    )?;
    Ok(())
}
