//! Payload passthru: bytes the router forwards without looking inside (an MQTT payload, or
//! something only the two ends can read), in the spec's dialect or Autobahn's.
//!
//! Run: `cargo run -p wamp-examples --example passthru` (or add `URL REALM`; Crossbar.io forwards
//! only Autobahn's dialect, `Passthru::transparent`).

use wamp_core::message::{Dialect, Passthru};
use wamp_core::session::{Invocation, Reply, ReplyHandler};
use wamp_core::WampError;
use wamp_examples::{check, next, Target};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let device = target.connect().await?;
    let app = target.connect().await?;
    // The spec's dialect where the router announces it, else Autobahn's.
    let dialect = if app
        .info()
        .router_has(wamp_core::message::Role::Broker, Dialect::Ppt.feature())
    {
        Dialect::Ppt
    } else {
        Dialect::Transparent
    };
    let payload = |bytes: &[u8]| match dialect {
        Dialect::Ppt => Passthru::new("mqtt", bytes).serializer("native"),
        Dialect::Transparent => Passthru::transparent("mqtt", bytes),
    };

    let mut readings = app.subscribe("com.example.sensor").await?;
    device
        .publish("com.example.sensor")
        .passthru(payload(b"\x01\x02temperature=21.5"))
        .acknowledge()
        .await?;
    let event = next("a reading", &mut readings).await??;
    let got = event.passthru.map(|p| (p.scheme, p.payload));
    check(
        "forwarded untouched",
        got,
        Some(("mqtt".into(), b"\x01\x02temperature=21.5".to_vec())),
    )?;

    // A callee answers in kind.
    let echo = ReplyHandler(|inv: Invocation| async move {
        let p = inv
            .passthru
            .ok_or_else(|| WampError::new("com.example.error.not_passthru"))?;
        let mut reversed = p.payload.clone();
        reversed.reverse();
        Ok::<_, WampError>(Reply::from(Passthru {
            payload: reversed,
            ..p
        }))
    });
    device.register("com.example.reverse", echo).await?.keep();
    let result = app
        .call("com.example.reverse")
        .passthru(payload(b"abc"))
        .await?;
    check(
        "answered",
        result.passthru.map(|p| p.payload),
        Some(b"cba".to_vec()),
    )?;
    Ok(())
}
