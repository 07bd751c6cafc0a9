//! Pattern and shared registrations and the invocation context: a prefix registration answers
//! many URIs (the client names the one it calls, the method reads it from `Context`), a
//! round-robin registration is shared by several callees, and `disclose_caller` gives the
//! caller's identity.
//!
//! Run: `cargo run -p wamp-examples --example typed_patterns` (or add `URL REALM`).

use wamp_core::message::{Feature, Role};
use wamp_core::typed::Context;
use wamp_core::wamp_service;
use wamp_examples::{check, require, Target};

/// Sensors and workers.
#[wamp_service(prefix = "com.example.plant")]
pub trait Plant {
    /// Any sensor `com.example.plant.sensor.<name>`.
    #[wamp(uri = "com.example.plant.sensor", match = "prefix")]
    async fn read(&self, ctx: Context) -> String;
    /// Shared by every worker, in turns.
    #[wamp(invoke = "roundrobin", disclose_caller)]
    async fn work(&self, ctx: Context, job: String) -> String;
}

struct Worker(&'static str);

impl Plant for Worker {
    async fn read(&self, ctx: Context) -> String {
        format!("{} read by {}", ctx.procedure(), self.0)
    }

    async fn work(&self, ctx: Context, job: String) -> String {
        format!("{} did {job} for session {:?}", self.0, ctx.caller())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    // The first worker serves both procedures. The second shares only `work` (the sensor
    // pattern is a single registration, taken once), so it registers that one by hand: typed
    // and untyped callees share one round-robin registration.
    let first = target.connect().await?;
    let _a = Worker("worker-a").serve(&first).await?;
    let second = target.connect().await?;
    let _b = second
        .register(
            "com.example.plant.work",
            |inv: wamp_core::session::Invocation| async move {
                let job: String = inv.value()?;
                Ok(wamp_core::Arguments::value(&format!("worker-b did {job}"))?)
            },
        )
        .invoke(wamp_core::session::InvokePolicy::RoundRobin)
        .await?;

    let caller = target.connect().await?;
    // Patterns and shared registrations are Advanced Profile features: a router without them
    // is named here, not waited on.
    require(&caller, Role::Dealer, Feature::PatternBasedRegistration)?;
    require(&caller, Role::Dealer, Feature::SharedRegistration)?;
    let plant = PlantClient::new(caller.clone());
    check(
        "read",
        plant.read("com.example.plant.sensor.boiler").await?,
        "com.example.plant.sensor.boiler read by worker-a".into(),
    )?;
    check(
        "read",
        plant.read("com.example.plant.sensor.valve.3").await?,
        "com.example.plant.sensor.valve.3 read by worker-a".into(),
    )?;
    // Round robin: the workers take turns (which one starts depends on the router).
    let mut by = Vec::new();
    for job in ["weld", "paint", "pack"] {
        let done = plant.work(job.into()).await?;
        println!("{done}");
        if !done.contains(&format!("did {job}")) {
            anyhow::bail!("work({job}) answered {done:?}");
        }
        by.push(done.split(' ').next().unwrap_or_default().to_owned());
    }
    let took_turns = matches!(by.as_slice(), [a, b, c] if a != b && a == c);
    check("the workers took turns", took_turns, true)?;
    Ok(())
}
