//! How cost grows: four curves, each point a figure of its own, measured unpinned.
//!
//! - calls in flight, 1 to 4,096 (WebSocket msgpack, typed stub), beside the frame relay at the
//!   same depth;
//! - subscribers on one topic, 1 to 10,000 (WebSocket json, 16 events in flight);
//! - idle sessions: over WebSocket up to 15,000 (a process may hold 20,000 file descriptors
//!   here, and the hard limit cannot be raised), and over the in-process connection up to
//!   50,000 (router and client halves in one process); one run per point;
//! - payloads of 16 B to 1 MiB (`bench.echo`, WebSocket msgpack, 16 in flight), beside the relay
//!   carrying frames of the same size.

use std::time::Duration;

use crate::ctx::{
    callee, caller_spec, pubsub_spec, relay, run_cases, run_cases_times, Ctx, Measure,
    RouterProcess,
};
use crate::report::{Figure, Metric};
use crate::resident::idle_sessions;
use crate::spawn::{Placement, Spec};

/// Calls in flight of the in-flight curve.
pub const INFLIGHT: [usize; 7] = [1, 4, 16, 64, 256, 1024, 4096];
/// Subscribers of the fan-out curve.
pub const SUBSCRIBERS: [usize; 5] = [1, 10, 100, 1_000, 10_000];
/// Events on their way to the slowest subscriber, at every point of the fan-out curve.
pub const FANOUT_WINDOW: u64 = 16;
/// Idle sessions over WebSocket.
pub const WS_SESSIONS: [usize; 3] = [1_000, 5_000, 15_000];
/// Idle sessions over the in-process connection.
pub const LOCAL_SESSIONS: [usize; 3] = [1_000, 10_000, 50_000];
/// Payload sizes, bytes.
pub const PAYLOADS: [usize; 5] = [16, 256, 4096, 65_536, 1_048_576];
/// Calls in flight on the payload curve.
pub const PAYLOAD_INFLIGHT: usize = 16;

/// A curve's point: section `scale`, the curve and its x in the parameters.
fn point(curve: &str, name: &str, x: usize, metric: Metric, unit: &str) -> Figure {
    Figure::new("scale", name, Placement::Unpinned, metric, unit)
        .param("curve", curve)
        .param("x", x)
}

/// Measures every curve.
pub(crate) fn scale(ctx: &mut Ctx, placement: Placement) -> anyhow::Result<()> {
    let quick = ctx.args.quick;
    let (mut served, router) = {
        let router = RouterProcess::start(ctx, placement)?;
        (
            callee(ctx, placement, &router.ws, "msgpack", false)?,
            router,
        )
    };
    let c = &*ctx;
    let url = router.ws.as_str();
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    for n in INFLIGHT {
        cases.push((
            point("inflight", "frame relay", n, Metric::Rate, "round trips/s")
                .key(&format!("scale/inflight/relay/{n}")),
            Box::new(move || relay(c, placement, n, None)),
        ));
        cases.push((
            point("inflight", "wamp-router", n, Metric::Rate, "calls/s")
                .key(&format!("scale/inflight/router/{n}"))
                .baseline(&format!("scale/inflight/relay/{n}")),
            Box::new(move || {
                c.sample(
                    &caller_spec(c, url, "msgpack", "typed", n, false)?,
                    placement,
                )
            }),
        ));
    }
    for bytes in PAYLOADS {
        cases.push((
            point(
                "payload",
                "frame relay",
                bytes,
                Metric::Rate,
                "round trips/s",
            )
            .key(&format!("scale/payload/relay/{bytes}")),
            Box::new(move || relay(c, placement, PAYLOAD_INFLIGHT, Some(bytes))),
        ));
        cases.push((
            point("payload", "wamp-router", bytes, Metric::Rate, "calls/s")
                .key(&format!("scale/payload/router/{bytes}"))
                .baseline(&format!("scale/payload/relay/{bytes}")),
            Box::new(move || {
                let spec = caller_spec(c, url, "msgpack", "raw", PAYLOAD_INFLIGHT, false)?
                    .args(["--payload".to_string(), bytes.to_string()]);
                c.sample(&spec, placement)
            }),
        ));
    }
    let subscribers: &[usize] = if quick {
        &SUBSCRIBERS[..4]
    } else {
        &SUBSCRIBERS
    };
    for &n in subscribers {
        cases.push((
            point("subscribers", "wamp-router", n, Metric::Rate, "events/s")
                .key(&format!("scale/subscribers/{n}")),
            Box::new(move || c.sample(&pubsub_spec(c, url, "json", n, FANOUT_WINDOW)?, placement)),
        ));
    }
    let figures = run_cases(c, cases);
    ctx.report.figures.extend(figures);
    served.stop();
    drop(router);

    let c = &*ctx;
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    let scale_down = |n: usize| if quick { n / 10 } else { n };
    for n in WS_SESSIONS.map(scale_down) {
        cases.push((
            point(
                "sessions",
                "idle sessions, WebSocket json",
                n,
                Metric::Extra("bytes_per"),
                "bytes/session",
            )
            .key(&format!("scale/sessions/ws/{n}")),
            Box::new(move || idle_sessions(c, placement, n, false)),
        ));
    }
    for n in LOCAL_SESSIONS.map(scale_down) {
        cases.push((
            point(
                "sessions",
                "idle sessions, in process",
                n,
                Metric::Extra("bytes_per"),
                "bytes/session",
            )
            .key(&format!("scale/sessions/local/{n}")),
            Box::new(move || {
                let spec = Spec::own(
                    "idle-in-process",
                    &["idle-in-process", "--sessions", &n.to_string()],
                )?;
                let worker = c.start(&spec, placement)?;
                worker.result(Duration::from_secs(180))
            }),
        ));
    }
    // One run per point: resident memory moves little between runs, and 15,000 joins take 10 s.
    let figures = run_cases_times(1, cases);
    ctx.report.figures.extend(figures);
    Ok(())
}
