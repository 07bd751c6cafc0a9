//! Trace propagation: a request that arrives with a W3C `traceparent` (from an HTTP header, say)
//! makes a WAMP call and a publication that carry it; the callee and the subscriber read the
//! same trace id, and their `wamp.invocation` / `wamp.event` spans record it. (With the
//! `opentelemetry` cargo feature, the current span's context is carried by itself and the
//! spans are linked into one OpenTelemetry trace.)
//!
//! Crossbar.io drops the `_traceparent` option, so both sessions also carry the context in the
//! payload (`Client::trace_in_payload`, for peers that are all wamp-rs): the example checks the
//! same outcome through wamp-router and Crossbar.
//!
//! Run: `cargo run -p wamp-examples --example trace_context` (or add `URL REALM`).

use wamp_core::trace::TraceContext;
use wamp_core::typed::Context;
use wamp_core::wamp_service;
use wamp_examples::{check, next, Target};

/// Orders.
#[wamp_service(prefix = "com.example.orders")]
pub trait Orders {
    /// Places an order, answering the trace id it was placed under.
    async fn place(&self, item: String, ctx: Context) -> String;
}

struct Shop;

impl Orders for Shop {
    async fn place(&self, item: String, ctx: Context) -> String {
        let trace = TraceContext::from_dict(ctx.details());
        format!(
            "{item} under trace {}",
            trace.as_ref().map_or("none", TraceContext::trace_id)
        )
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.client().trace_in_payload().connect().await?;
    let _service = Shop.serve(&callee).await?;
    let session = target.client().trace_in_payload().connect().await?;

    // The context of the request being served, as its HTTP headers gave it.
    let incoming = TraceContext::parse(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        Some("shop=checkout"),
    )
    .ok_or_else(|| anyhow::anyhow!("a well-formed traceparent"))?;

    let placed: String = session
        .call("com.example.orders.place")
        .args(&("book",))
        .trace_context(&incoming)
        .await?
        .value()?;
    check(
        "placed",
        placed.as_str(),
        "book under trace 4bf92f3577b34da6a3ce929d0e0e4736",
    )?;

    // The same for a publication: the subscriber's event carries the trace.
    let mut shipped = callee.subscribe("com.example.orders.shipped").await?;
    session
        .publish("com.example.orders.shipped")
        .args(&("book",))
        .trace_context(&incoming)
        .acknowledge()
        .await?;
    let event = next("the shipped event", &mut shipped).await??;
    let trace = TraceContext::from_dict(&event.details);
    check(
        "shipped under trace",
        trace.as_ref().map(TraceContext::trace_id),
        Some("4bf92f3577b34da6a3ce929d0e0e4736"),
    )?;
    check(
        "with its tracestate",
        trace.as_ref().and_then(TraceContext::tracestate),
        Some("shop=checkout"),
    )?;
    Ok(())
}
