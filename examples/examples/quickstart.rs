//! Quickstart: a typed WAMP service on the embedded router. A trait becomes a procedure per
//! method; an implementation is served with one call; a generated client calls it with Rust
//! types, and typed errors come back as the service's own error type. Then a typed event is
//! published and received. The router, its realm with ticket authentication and two roles, the
//! service and the client are all written out below.
//!
//! Run it with `bash scripts/quickstart.sh` (or `cargo run -p wamp-examples --example
//! quickstart`). To reach a router you run elsewhere (Crossbar.io, Bondy, `wamp-router`), a
//! client joins with `Client::new("ws://host:8080/ws", "realm1")` instead.

use std::time::Duration;

use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::prelude::*;
use wamp_router::auth::TicketAuth;
use wamp_router::authorization::{Permission, Role};
use wamp_router::{Listener, Protocol, RealmConfig, Router};

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
    // The embedded router: realm `realm1`, where the service authenticates as `backend` (may do
    // anything) and users as `frontend` (may use `com.example.*`), by ticket; it listens for
    // WebSocket clients on a free port.
    let router = Router::builder()
        .realm_config(
            RealmConfig::new("realm1")
                .authenticator(
                    TicketAuth::new()
                        .principal("calc-service", "service-secret", "backend")
                        .principal("alice", "alice-secret", "frontend"),
                )
                .role(Role::trusted("backend"))
                .role(Role::new("frontend").permission(Permission::all("com.example."))),
        )
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await?;
    let url = router
        .url(Protocol::WebSocket)
        .unwrap_or_default()
        .to_owned();
    println!("router listening on {url}");

    // The service joins in process (no socket) and registers every procedure of the trait.
    let backend = router
        .connect_with(
            Client::for_realm("realm1")
                .authid("calc-service")
                .ticket("service-secret"),
        )
        .await?;
    let service = Calc.serve(&backend).await?;
    println!(
        "backend serves {:?}",
        service.procedures().collect::<Vec<_>>()
    );

    // A user joins over WebSocket, as a client in another process would, and calls through the
    // generated client.
    let alice = Client::new(&url, "realm1")
        .authid("alice")
        .ticket("alice-secret")
        .connect()
        .await?;
    let calc = CalculatorClient::new(alice.clone());
    let sum = calc.add(20, 22).await?;
    println!("calc.add(20, 22) = {sum}");
    assert_eq!(sum, 42);
    match calc.divide(1, 0).await {
        Err(CallError::Service(CalcError::DivideByZero { dividend })) => {
            println!("calc.divide({dividend}, 0) failed with the typed error DivideByZero");
        }
        other => anyhow::bail!("expected DivideByZero, got {other:?}"),
    }

    // Typed events.
    let mut greetings = backend.subscribe_event::<Greeting>().await?;
    alice
        .publish_event(&Greeting {
            text: "hello, WAMP".into(),
        })
        .acknowledge()
        .await?;
    let greeting = tokio::time::timeout(Duration::from_secs(5), greetings.next())
        .await?
        .ok_or_else(|| anyhow::anyhow!("the subscription ended"))??;
    println!("backend received: {}", greeting.text);
    assert_eq!(greeting.text, "hello, WAMP");

    // Untyped calls reach the same procedure: the wire is plain WAMP (args [20, 22] -> [42]).
    let sum: i64 = alice
        .call("com.example.calc.add")
        .args(&(20, 22))
        .await?
        .value()?;
    println!("untyped call of com.example.calc.add(20, 22) = {sum}");
    assert_eq!(sum, 42);

    drop(service); // unregisters
    alice.leave().await;
    backend.leave().await;
    router.shutdown();
    Ok(())
}
