//! The memory figures: the resident set size a server process gains while a client process holds
//! connections open (router sessions, subscribers, bare WebSocket connections), and a client's
//! per pending call.

use std::time::Duration;

use serde_json::json;

use crate::ctx::{callee, echo_server, run_cases, Ctx, Measure, RouterProcess};
use crate::measure::{rss_bytes, Sample};
use crate::report::{Figure, Metric};
use crate::spawn::{Placement, Spec, Worker};

/// The resident set size a fresh `wamp-router` process gains per session while a client process
/// holds `n` joined sessions (each subscribed to one topic with `subscribe`), and how fast they
/// joined.
pub(crate) fn idle_sessions(
    ctx: &Ctx,
    placement: Placement,
    n: usize,
    subscribe: bool,
) -> anyhow::Result<Sample> {
    let mut router = RouterProcess::start(ctx, placement)?;
    let count = n.to_string();
    let mut args = vec!["idle", "--url", &router.ws, "--sessions", &count];
    if subscribe {
        args.push("--subscribe");
    }
    let spec = Spec::own("idle", &args)?;
    held(ctx, placement, &mut router.worker, spec, n)
}

/// The resident set size `server` gains while a client process (`spec`) opens `n` connections
/// and holds them, per connection; and how fast the client opened them (its `READY n SECS`).
pub(crate) fn held(
    ctx: &Ctx,
    placement: Placement,
    server: &mut Worker,
    spec: Spec,
    n: usize,
) -> anyhow::Result<Sample> {
    std::thread::sleep(Duration::from_millis(200));
    let before = rss_bytes(server.pid())?;
    let mut client = ctx.start(&spec, placement)?;
    let ready = client.expect("READY", Duration::from_secs(180))?;
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_bytes(server.pid())?;
    // Killed: an orderly close of thousands of sessions is not what is measured.
    client.kill();
    let mut s = Sample {
        ops: n as u64,
        ..Sample::default()
    };
    let per = after.saturating_sub(before) as f64 / n as f64;
    s.extra.insert("bytes_per".into(), json!(per));
    s.extra.insert("rss_before".into(), json!(before));
    s.extra.insert("rss_after".into(), json!(after));
    if let Some(secs) = ready
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0)
    {
        s.extra
            .insert("joins_per_sec".into(), json!(n as f64 / secs));
    }
    Ok(s)
}

/// Router memory per idle session and per subscriber, against bare WebSocket connections to
/// the echo server; client memory per pending call.
pub(crate) fn memory(ctx: &mut Ctx, placement: Placement) -> anyhow::Result<()> {
    let c = &*ctx;
    let counts = c.memory;
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    let held = |server: &mut Worker, spec: Spec, n: usize| held(c, placement, server, spec, n);
    let held = &held;
    cases.push((
        Figure::new(
            "memory",
            "echo server, idle WebSocket connections",
            placement,
            Metric::Extra("bytes_per"),
            "bytes/connection",
        )
        .param("connections", counts.floor_connections)
        .key("memory/ws-idle"),
        Box::new(move || {
            let (mut echo, url) = echo_server(c, placement)?;
            let n = counts.floor_connections;
            let spec = Spec::own(
                "idle-websockets",
                &[
                    "idle-websockets",
                    "--url",
                    &url,
                    "--connections",
                    &n.to_string(),
                ],
            )?;
            held(&mut echo, spec, n)
        }),
    ));
    cases.push((
        Figure::new(
            "memory",
            "wamp-router, idle sessions (WebSocket json)",
            placement,
            Metric::Extra("bytes_per"),
            "bytes/session",
        )
        .param("sessions", counts.idle_sessions)
        .baseline("memory/ws-idle")
        .key("memory/router-idle"),
        Box::new(move || idle_sessions(c, placement, counts.idle_sessions, false)),
    ));
    cases.push((
        Figure::new(
            "memory",
            "wamp-router, sessions each subscribed to one topic",
            placement,
            Metric::Extra("bytes_per"),
            "bytes/subscriber",
        )
        .param("subscribers", counts.subscribers)
        .baseline("memory/ws-idle")
        .key("memory/router-subscribers"),
        Box::new(move || idle_sessions(c, placement, counts.subscribers, true)),
    ));
    cases.push((
        Figure::new(
            "memory",
            "wamp-rs client, pending calls",
            placement,
            Metric::Extra("bytes_per_call"),
            "bytes/call",
        )
        .param("calls", counts.pending_calls)
        .key("memory/client-pending"),
        Box::new(move || {
            let router = RouterProcess::start(c, placement)?;
            let _callee = callee(c, placement, &router.ws, "json", true)?;
            let n = counts.pending_calls.to_string();
            c.sample(
                &Spec::own("pending", &["pending", "--url", &router.ws, "--calls", &n])?,
                placement,
            )
        }),
    ));
    let figures = run_cases(c, cases);
    ctx.report.figures.extend(figures);
    Ok(())
}
