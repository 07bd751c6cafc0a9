//! The typed service every typed test and interop peer uses: a calculator with positional and
//! keyword parameters, typed errors, progressive results, pattern and shared registrations, and
//! a declared event.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::typed::Context;
use wamp_core::{wamp_service, WampError, WampEvent};

/// The calculator's errors; each variant is one error URI under `com.typed.error`.
#[derive(Debug, Clone, PartialEq, WampError)]
#[wamp(prefix = "com.typed.error")]
pub enum CalcError {
    /// `com.typed.error.overflow`: no payload.
    Overflow,
    /// `com.typed.error.divide_by_zero`: `kwargs = {"dividend": n}`.
    DivideByZero {
        /// What was to be divided.
        dividend: i64,
    },
    /// `com.typed.error.too_long`: `args = [limit]`.
    TooLong(u32),
}

/// A point, the whole `kwargs` of `com.typed.calc.norm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// x
    pub x: f64,
    /// y
    pub y: f64,
}

/// Published after every `add`: `kwargs = {"a":..,"b":..,"sum":..}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.typed.calc.computed")]
pub struct Computed {
    /// First operand.
    pub a: i64,
    /// Second operand.
    pub b: i64,
    /// Their sum.
    pub sum: i64,
}

/// A positional event: `args = [text, level]`.
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "com.typed.log")]
pub struct Logged(pub String, pub u8);

/// The calculator service under test.
#[wamp_service(prefix = "com.typed.calc", events(Computed, Logged))]
pub trait Calculator {
    /// `a + b`, or `overflow`.
    async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;

    /// `dividend / divisor`, the client sending keyword arguments.
    #[wamp(kwargs)]
    async fn divide(&self, dividend: i64, divisor: i64) -> Result<i64, CalcError>;

    /// The length of a point given as the whole kwargs dict.
    async fn norm(&self, #[wamp(kwargs)] point: Point) -> f64;

    /// Counts from 1 to `to` as progressive results; `too_long` past 1000.
    async fn count(&self, to: u32) -> impl Stream<Item = Result<u32, CalcError>>;

    /// One tick every `interval_ms`, forever (for cancel-on-drop).
    async fn ticks(&self, interval_ms: u64) -> impl Stream<Item = u32>;

    /// Who called, as the dealer disclosed.
    #[wamp(disclose_caller)]
    async fn whoami(&self, ctx: Context) -> Option<String>;

    /// Any procedure under `com.typed.any`: answers the concrete URI called.
    #[wamp(uri = "com.typed.any", match = "prefix")]
    async fn any(&self, ctx: Context, tag: String) -> String;

    /// Sleeps; the client gives up after 300 ms.
    #[wamp(timeout_ms = 300)]
    async fn sleep(&self, ms: u64);

    /// Answers nothing.
    async fn nothing(&self);

    /// A shared registration: answers this callee's name.
    #[wamp(invoke = "roundrobin")]
    async fn worker(&self) -> String;

    /// Echoes an optional text (callers may leave it out).
    #[wamp(name = "echo_opt")]
    async fn echo(&self, text: Option<String>) -> Option<String>;
}

/// An implementation with a name (for shared registrations) and a count of ticks sent.
#[derive(Debug, Clone, Default)]
pub struct Calc {
    /// Answered by `worker`.
    pub name: String,
    /// Ticks produced by `ticks`, shared with the test.
    pub ticks: Arc<AtomicU32>,
}

impl Calc {
    /// A calculator named `name`.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }
}

impl Calculator for Calc {
    async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError> {
        a.checked_add(b).ok_or(CalcError::Overflow)
    }

    async fn divide(&self, dividend: i64, divisor: i64) -> Result<i64, CalcError> {
        dividend
            .checked_div(divisor)
            .ok_or(CalcError::DivideByZero { dividend })
    }

    async fn norm(&self, point: Point) -> f64 {
        point.x.hypot(point.y)
    }

    async fn count(&self, to: u32) -> impl Stream<Item = Result<u32, CalcError>> {
        let items: Vec<Result<u32, CalcError>> = if to > 1000 {
            vec![Err(CalcError::TooLong(1000))]
        } else {
            (1..=to).map(Ok).collect()
        };
        futures::stream::iter(items)
    }

    async fn ticks(&self, interval_ms: u64) -> impl Stream<Item = u32> {
        let ticks = self.ticks.clone();
        futures::stream::unfold(0u32, move |n| {
            let ticks = ticks.clone();
            async move {
                if n > 0 {
                    tokio::time::sleep(Duration::from_millis(interval_ms)).await;
                }
                ticks.fetch_add(1, Ordering::SeqCst);
                Some((n, n + 1))
            }
        })
    }

    async fn whoami(&self, ctx: Context) -> Option<String> {
        ctx.caller_authid().map(str::to_owned)
    }

    async fn any(&self, ctx: Context, tag: String) -> String {
        format!("{}:{tag}", ctx.procedure())
    }

    async fn sleep(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    async fn nothing(&self) {}

    async fn worker(&self) -> String {
        self.name.clone()
    }

    async fn echo(&self, text: Option<String>) -> Option<String> {
        text
    }
}

/// The error the Autobahn peers' `error` procedure raises: `com.example.error.custom` with
/// `args = ["custom failure"]` and `kwargs = {"code": 7}`; the typed side reads the kwargs.
#[derive(Debug, Clone, PartialEq, WampError)]
pub enum PeerError {
    /// `com.example.error.custom`.
    #[wamp(uri = "com.example.error.custom")]
    Custom {
        /// The peer's code.
        code: i64,
    },
}

/// The procedures the Autobahn peers register as callees (`autobahn_peer.{py,js}`, role
/// `callee`, NAME `com.peer`), described as a typed service so a generated client calls them.
#[wamp_service(prefix = "com.peer")]
pub trait PeerCallee {
    /// `a + b`.
    async fn add(&self, a: i64, b: i64) -> i64;
    /// Progressive results `0..n`, then `n` as the final result.
    async fn progress(&self, n: u32) -> impl Stream<Item = u32>;
    /// Always fails with [`PeerError::Custom`].
    async fn error(&self) -> Result<(), PeerError>;
    /// Answers `"finished"` after `seconds`.
    async fn slow(&self, seconds: f64) -> String;
    /// The caller's session ID, when the dealer disclosed it.
    async fn whoami(&self) -> Option<u64>;
}

/// What `interop/ts/calc_run.ts` answers against [`Calc`], in node and in a
/// browser alike: results, 64-bit integers, progressive results, cancels, timeouts, the typed
/// error and the typed event.
pub fn calc_program_result() -> serde_json::Value {
    serde_json::json!({
        "serializer": {
            "parsed": [0.12345678901234568, "12345678901234567890", "12345678901234567890n", "-9007199254740993n", 5],
            "text": "[18446744073709551615,7,\"x\"]"
        },
        "add": 5,
        "divide": 3,
        "big": "9007199254740994",
        "norm": 5,
        "echoNone": null,
        "echoSome": "hi",
        "any": "com.typed.any.ts:t",
        "seen": [1, 2, 3],
        "collected": [1, 2],
        "early": [0, 1],
        "aborted": "wamp.error.canceled",
        "abortedStream": "wamp.error.canceled",
        "timedOut": "wamp.error.timeout",
        "longer": "finished",
        "error": {"uri": "com.typed.error.divide_by_zero", "name": "DivideByZero", "dividend": 9},
        "undeclared": {"uri": "wamp.error.no_such_procedure", "declared": false},
        "event": {"a": 40, "b": 2, "sum": 42}
    })
}

/// Publishes `Computed {a: 40, b: 2, sum: 42}` to `com.typed.calc.computed` every `every` until
/// the task is aborted: for a subscriber that joins at a time the test does not know.
pub fn keep_publishing_computed(
    session: wamp_core::Session,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let event = Computed {
                a: 40,
                b: 2,
                sum: 42,
            };
            let _ = session.publish_event(&event).await;
            tokio::time::sleep(every).await;
        }
    })
}
