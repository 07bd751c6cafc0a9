//! The WAMP meta API, typed: `wamp_core::meta` has clients for `wamp.session.*`,
//! `wamp.registration.*` and `wamp.subscription.*`, and event types for their meta events.
//!
//! Run: `cargo run -p wamp-examples --example meta_api` (or add `URL REALM`; on Crossbar.io the
//! role needs permission on `wamp.`).

use wamp_core::meta::{RegistrationMetaClient, SessionJoined, SessionMetaClient};
use wamp_core::session::Invocation;
use wamp_core::Arguments;
use wamp_examples::{check, next, Target};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let admin = target.connect().await?;
    let sessions = SessionMetaClient::new(admin.clone());
    let registrations = RegistrationMetaClient::new(admin.clone());
    let mut joins = admin.subscribe_event::<SessionJoined>().await?;

    let worker = target.connect().await?;
    let joined = next("the join event", &mut joins).await??;
    check("joined: session", joined.0.session, worker.id())?;
    let mut expected = vec![admin.id(), worker.id()];
    expected.sort_unstable();
    let mut listed = sessions.list(None).await?;
    listed.sort_unstable();
    check(
        "sessions",
        (sessions.count(None).await?, listed),
        (2, expected),
    )?;

    let _registration = worker
        .register("com.example.job", |_: Invocation| async {
            Ok(Arguments::default())
        })
        .await?;
    let Some(id) = registrations.lookup("com.example.job".into(), None).await? else {
        anyhow::bail!("com.example.job is not registered");
    };
    let details = registrations.get(id).await?;
    let callees = registrations.list_callees(id).await?;
    check("registration", details.uri.as_str(), "com.example.job")?;
    check("its callees", callees, vec![worker.id()])?;
    sessions
        .kill(worker.id(), Some("com.example.maintenance".into()), None)
        .await?;
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), worker.closed()).await?;
    let reason = closed.to_string();
    println!("worker closed: {reason}");
    if !reason.contains("com.example.maintenance") {
        anyhow::bail!("the worker closed for another reason: {reason}");
    }
    Ok(())
}
