//! Quickstart: a typed WAMP service. A trait becomes a procedure per method; an implementation
//! is served with one call; a generated client calls it with Rust types, and typed errors come
//! back as the service's own error type. Then a typed event is published and received.
//!
//! Run it with `bash scripts/quickstart.sh` (or `cargo run -p wamp-examples --example quickstart`):
//! it starts the embedded router in this process. To use a router you run elsewhere
//! (Crossbar.io...), give its URL and realm:
//! `cargo run -p wamp-examples --example quickstart -- ws://127.0.0.1:8080/ws realm1`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::typed::CallError;
use wamp_core::{wamp_service, WampError, WampEvent};
use wamp_examples::{check, next, Target};

/// The calculator's errors: each variant is an error URI under `com.example.calc.error`.
#[derive(Debug, WampError)]
#[wamp(prefix = "com.example.calc.error")]
pub enum CalcError {
    /// `com.example.calc.error.overflow`
    Overflow,
    /// `com.example.calc.error.divide_by_zero`, with `{"dividend": ...}` as kwargs.
    DivideByZero {
        /// What was to be divided.
        dividend: i64,
    },
}

/// A service: each method is the procedure `com.example.calc.<method>`.
#[wamp_service(prefix = "com.example.calc")]
pub trait Calculator {
    /// Adds two numbers.
    async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;
    /// Divides, rounding toward zero.
    async fn divide(&self, dividend: i64, divisor: i64) -> Result<i64, CalcError>;
}

/// The implementation: plain async Rust.
struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError> {
        a.checked_add(b).ok_or(CalcError::Overflow)
    }

    async fn divide(&self, dividend: i64, divisor: i64) -> Result<i64, CalcError> {
        dividend
            .checked_div(divisor)
            .ok_or(CalcError::DivideByZero { dividend })
    }
}

/// A typed event on `com.example.greetings`, sent as `kwargs`.
#[derive(Debug, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.example.greetings")]
pub struct Greeting {
    /// The greeting.
    pub text: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;

    // The callee joins in-process when the router is embedded (no socket), else over the URL.
    let callee = match &target.router {
        Some(router) => router.connect(&target.realm).await?,
        None => target.connect().await?,
    };
    let service = Calc.serve(&callee).await?;
    println!(
        "callee serves {:?}",
        service.procedures().collect::<Vec<_>>()
    );

    // The caller connects over WebSocket and calls through the generated client.
    let caller = target.connect().await?;
    let calc = CalculatorClient::new(caller.clone());
    check("calc.add(20, 22)", calc.add(20, 22).await?, 42)?;
    match calc.divide(1, 0).await {
        Err(CallError::Service(CalcError::DivideByZero { dividend })) => {
            println!("calc.divide({dividend}, 0) failed with the typed error DivideByZero");
        }
        other => anyhow::bail!("expected DivideByZero, got {other:?}"),
    }

    // Typed events.
    let mut greetings = callee.subscribe_event::<Greeting>().await?;
    caller
        .publish_event(&Greeting {
            text: "hello, WAMP".into(),
        })
        .acknowledge()
        .await?;
    let greeting = next("the greeting", &mut greetings).await??;
    check("subscriber received", greeting.text.as_str(), "hello, WAMP")?;

    // Untyped calls reach the same procedure: the wire is plain WAMP (args [20, 22] -> [42]).
    let sum: i64 = caller
        .call("com.example.calc.add")
        .args(&(20, 22))
        .await?
        .value()?;
    check("untyped call of com.example.calc.add(20, 22)", sum, 42)?;

    drop(service); // unregisters
    caller.leave().await;
    callee.leave().await;
    Ok(())
}
