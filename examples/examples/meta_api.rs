//! The WAMP meta API, typed: `wamp_core::meta` has clients for `wamp.session.*`,
//! `wamp.registration.*` and `wamp.subscription.*`, and event types for their meta events.
//!
//! Run: `cargo run -p wamp-examples --example meta_api` (or add `URL REALM`; on Crossbar.io the
//! role needs permission on `wamp.`).

use futures::StreamExt as _;
use wamp_core::meta::{RegistrationMetaClient, SessionJoined, SessionMetaClient};
use wamp_core::session::Invocation;
use wamp_core::Arguments;
use wamp_examples::Target;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let admin = target.connect().await?;
    let sessions = SessionMetaClient::new(admin.clone());
    let registrations = RegistrationMetaClient::new(admin.clone());
    let mut joins = admin.subscribe_event::<SessionJoined>().await?;

    let worker = target.connect().await?;
    if let Some(joined) = joins.next().await {
        let joined = joined?;
        println!(
            "joined: session {} as {:?}",
            joined.0.session, joined.0.authrole
        );
    }
    println!(
        "{} sessions: {:?}",
        sessions.count(None).await?,
        sessions.list(None).await?
    );

    let _registration = worker
        .register("com.example.job", |_: Invocation| async {
            Ok(Arguments::default())
        })
        .await?;
    if let Some(id) = registrations.lookup("com.example.job".into(), None).await? {
        let details = registrations.get(id).await?;
        let callees = registrations.list_callees(id).await?;
        println!(
            "{} is registration {id} ({:?} match), callees {callees:?}",
            details.uri, details.match_policy
        );
    }
    sessions
        .kill(worker.id(), Some("com.example.maintenance".into()), None)
        .await?;
    println!("worker closed: {}", worker.closed().await);
    Ok(())
}
