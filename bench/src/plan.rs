//! The run: which figures are measured, with which parties, under which placement, in which
//! order. Every figure is measured `runs` times, interleaved with its neighbours so that drift
//! on a noisy machine spreads over all of them, and reported as the median.

use std::process::ExitCode;
use std::time::Instant;

use crate::crossbar::{peers, Crossbar};
pub use crate::ctx::RunArgs;
use crate::ctx::{
    callee, caller_spec, echo_server, pubsub_spec, relay, run_cases, Ctx, Measure, RouterProcess,
};
use crate::report::{Figure, Metric};
use crate::spawn::{Placement, Spec};

/// Runs everything asked for and writes the report; the exit code says whether every figure
/// was measured.
pub fn main(args: RunArgs) -> ExitCode {
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("wamp-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: RunArgs) -> anyhow::Result<bool> {
    let began = Instant::now();
    let mut ctx = Ctx::new(args)?;
    let placements: Vec<Placement> = Placement::ALL
        .into_iter()
        .filter(|p| {
            ctx.args.placements.is_empty()
                || ctx
                    .args
                    .placements
                    .iter()
                    .any(|s| s.replace('_', "-") == p.name())
        })
        .collect();
    let crossbar = if ctx.wants("peers") || ctx.wants("routers") {
        match Crossbar::start(&ctx.args.root) {
            Ok(c) => Some(c),
            Err(e) => {
                let first = placements.first().copied().unwrap_or(Placement::Unpinned);
                ctx.failed("peers", first, e.context("starting Crossbar"));
                None
            }
        }
    } else {
        None
    };
    for placement in placements.iter().copied() {
        eprintln!("== {} ==", placement.label());
        let needs_floor = ["floor", "rpc", "pubsub", "peers", "routers"]
            .iter()
            .any(|s| ctx.wants(s));
        if needs_floor {
            if let Err(e) = floor(&mut ctx, placement) {
                ctx.failed("floor", placement, e);
            }
        }
        if ctx.wants("rpc") || ctx.wants("pubsub") {
            if let Err(e) = routed(&mut ctx, placement) {
                ctx.failed("rpc", placement, e);
            }
        }
        if let Some(crossbar) = crossbar.as_ref().filter(|_| ctx.wants("peers")) {
            if let Err(e) = peers(&mut ctx, placement, crossbar) {
                ctx.failed("peers", placement, e);
            }
        }
        if ctx.wants("routers") {
            let placed = match &crossbar {
                Some(crossbar) => crossbar.place(placement),
                None => Ok(()),
            };
            let url = crossbar.as_ref().map(|c| c.url().to_string());
            let measured =
                placed.and_then(|()| crate::routers::routers(&mut ctx, placement, url.as_deref()));
            if let Err(e) = measured {
                ctx.failed("routers", placement, e);
            }
            if let Some(crossbar) = &crossbar {
                if let Err(e) = crossbar.place(Placement::Unpinned) {
                    ctx.failed("routers", placement, e.context("unpinning Crossbar"));
                }
            }
        }
        // Memory does not depend on where threads run; measured once, unpinned (on one core
        // 10,000 joins take minutes, not seconds).
        if ctx.wants("memory") && placement == Placement::Unpinned {
            if let Err(e) = crate::resident::memory(&mut ctx, placement) {
                ctx.failed("memory", placement, e);
            }
        }
        // How cost grows: curves, measured once, unpinned (each point is a figure of its own).
        if ctx.wants("scale") && placement == Placement::Unpinned {
            if let Err(e) = crate::scale::scale(&mut ctx, placement) {
                ctx.failed("scale", placement, e);
            }
        }
    }
    drop(crossbar);
    ctx.report.elapsed_secs = began.elapsed().as_secs_f64();
    ctx.report.command = std::env::args().collect::<Vec<_>>().join(" ");
    let ok = ctx
        .report
        .figures
        .iter()
        .all(|f| f.error.is_none() || f.peer_fault);
    ctx.report
        .write(&ctx.args.out, ctx.args.docs.as_deref(), &ctx.args.root)?;
    eprintln!("{}", ctx.report.summary());
    Ok(ok)
}

/// The floor: a WebSocket echo and the frame relay, at each depth.
fn floor(ctx: &mut Ctx, placement: Placement) -> anyhow::Result<()> {
    let (mut echo, echo_url) = echo_server(ctx, placement)?;
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    let c = &*ctx;
    for inflight in [1usize, 16, 100, 256] {
        let client = move |url: &str| {
            let depth = inflight.to_string();
            let args = ["floor-client", "--url", url, "--inflight", &depth];
            Ok::<_, anyhow::Error>(
                Spec::own(&format!("floor-client-{inflight}"), &args)?.args(c.window_args(false)),
            )
        };
        let figure = Figure::new(
            "floor",
            "WebSocket echo",
            placement,
            Metric::Rate,
            "round trips/s",
        )
        .param("inflight", inflight)
        .key(&format!("echo/{inflight}"));
        let url = echo_url.clone();
        cases.push((
            figure,
            Box::new(move || c.sample(&client(&url)?, placement)),
        ));
        let figure = Figure::new(
            "floor",
            "frame relay",
            placement,
            Metric::Rate,
            "round trips/s",
        )
        .param("inflight", inflight)
        .key(&format!("relay/{inflight}"));
        cases.push((
            figure,
            Box::new(move || relay(c, placement, inflight, None)),
        ));
    }
    let figures = run_cases(c, cases);
    ctx.report.figures.extend(figures);
    echo.stop();
    Ok(())
}

/// RPC and pub/sub through `wamp-router` processes and over the in-process connection.
fn routed(ctx: &mut Ctx, placement: Placement) -> anyhow::Result<()> {
    let router = RouterProcess::start(ctx, placement)?;
    if ctx.wants("rpc") {
        let transports = [
            ("WebSocket json", router.ws.as_str(), "json"),
            ("WebSocket msgpack", router.ws.as_str(), "msgpack"),
            ("RawSocket msgpack", router.tcp.as_str(), "msgpack"),
        ];
        for (transport, url, ser) in transports {
            let mut served = callee(ctx, placement, url, ser, false)?;
            let c = &*ctx;
            let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
            for inflight in [1usize, 16, 256] {
                for api in ["raw", "typed"] {
                    let figure = Figure::new("rpc", transport, placement, Metric::Rate, "calls/s")
                        .param("api", api)
                        .param("inflight", inflight)
                        .baseline(&format!("relay/{inflight}"))
                        .key(&format!("rpc/{transport}/{api}/{inflight}"));
                    cases.push((
                        figure,
                        Box::new(move || {
                            c.sample(&caller_spec(c, url, ser, api, inflight, false)?, placement)
                        }),
                    ));
                }
            }
            let figures = run_cases(c, cases);
            ctx.report.figures.extend(figures);
            served.stop();
        }
        let c = &*ctx;
        let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
        for inflight in [1usize, 16, 256] {
            // `validated`: the cost of payload validation, against the same typed calls.
            for api in ["raw", "typed", "validated"] {
                let baseline = match api {
                    "validated" => format!("rpc/in-process/typed/{inflight}"),
                    _ => format!("relay/{inflight}"),
                };
                let figure = Figure::new("rpc", "in-process", placement, Metric::Rate, "calls/s")
                    .param("api", api)
                    .param("inflight", inflight)
                    .baseline(&baseline)
                    .key(&format!("rpc/in-process/{api}/{inflight}"));
                cases.push((
                    figure,
                    Box::new(move || {
                        let depth = inflight.to_string();
                        let args = ["in-process", "--api", api, "--inflight", &depth];
                        let spec = Spec::own("in-process", &args)?.args(c.window_args(false));
                        c.sample(&spec, placement)
                    }),
                ));
            }
        }
        let figures = run_cases(c, cases);
        ctx.report.figures.extend(figures);
    }
    if ctx.wants("pubsub") {
        let c = &*ctx;
        let url = router.ws.as_str();
        let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
        for subscribers in [1usize, 8, 64] {
            for window in [1u64, 100] {
                let figure = Figure::new(
                    "pubsub",
                    "WebSocket json",
                    placement,
                    Metric::Rate,
                    "events/s",
                )
                .param("subscribers", subscribers)
                .param("in flight", window)
                .baseline(&format!("relay/{window}"))
                .key(&format!("pubsub/{subscribers}/{window}"));
                cases.push((
                    figure,
                    Box::new(move || {
                        c.sample(
                            &pubsub_spec(c, url, "json", subscribers, window)?,
                            placement,
                        )
                    }),
                ));
            }
        }
        let figures = run_cases(c, cases);
        ctx.report.figures.extend(figures);
    }
    drop(router);
    Ok(())
}
