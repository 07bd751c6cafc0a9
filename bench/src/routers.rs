//! The routers a user could pick instead of `wamp-router`, each installed from its package
//! registry and started by a launcher in `bench/peers/`: fox-wamp, wamp.rt and wamp-server
//! (npm), XConn (PyPI), battler-wamp (crates.io), and Crossbar.io. Every one runs the same
//! workloads with the same client, ours: calls at 1 and 100 in flight to our callee, and events
//! to 1, 8 and 64 subscribers (100 in flight), WebSocket json, over windows of 400 ms.
//!
//! A router that fails a workload (it drops an event, crosses or loses a result, closes the
//! connection) has that figure reported as failed with the worker's words, as the router's
//! fault: the same workers pass through `wamp-router` and Crossbar in the same run. A router
//! that cannot start is the run's failure.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use crate::ctx::{callee, caller_spec, pubsub_spec, run_cases, Ctx, Measure, RouterProcess};
use crate::report::{Figure, Metric, Report};
use crate::spawn::{free_port, Placement, Spec, Worker};
use crate::targets::Target;

/// The routers measured beside `wamp-router`, in report order (Crossbar is started elsewhere).
pub const OTHERS: [&str; 5] = [
    "fox-wamp",
    "wamp.rt",
    "wamp-server",
    "XConn",
    "battler-wamp",
];
/// Calls in flight of the RPC workloads.
pub const CALLS: [usize; 2] = [1, 100];
/// Subscribers of the pub/sub workloads.
pub const SUBSCRIBERS: [usize; 3] = [1, 8, 64];
const EVENTS_IN_FLIGHT: u64 = 100;

/// How to start one of the other routers on `port`.
fn launcher(ctx: &Ctx, name: &str, port: u16) -> anyhow::Result<Spec> {
    let peers = ctx.args.root.join("bench/peers");
    let port = port.to_string();
    let node = |script: &str| -> anyhow::Result<Spec> {
        let path = std::env::var("WAMP_PEERS_NODE_PATH")
            .context("WAMP_PEERS_NODE_PATH is not set: the npm peers are not installed")?;
        let script = peers.join(script);
        Ok(Spec::program(name, "node", &[path_str(&script)?, &port]).env("NODE_PATH", path))
    };
    match name {
        "fox-wamp" => node("fox_router.js"),
        "wamp.rt" => node("wamprt_router.js"),
        "wamp-server" => node("wamp_server_router.js"),
        "XConn" => {
            let python = std::env::var("WAMP_PEERS_XCONN_PYTHON")
                .context("WAMP_PEERS_XCONN_PYTHON is not set: XConn is not installed")?;
            let script = peers.join("xconn_router.py");
            Ok(Spec::program(name, python, &[path_str(&script)?, &port]))
        }
        "battler-wamp" => {
            let bin: PathBuf = ctx.args.root.join("target/battler/release/battler-router");
            anyhow::ensure!(
                bin.exists(),
                "{} is not built (scripts/bench.sh builds it)",
                bin.display()
            );
            Ok(Spec::program(name, bin, &[&port]))
        }
        other => anyhow::bail!("unknown router {other}"),
    }
}

fn path_str(p: &std::path::Path) -> anyhow::Result<&str> {
    p.to_str().context("a non-UTF-8 path")
}

/// A router under test: its process (none for those started elsewhere) and its WebSocket URL.
struct Started {
    _process: Option<Worker>,
    url: String,
}

fn start(ctx: &Ctx, name: &str, placement: Placement) -> anyhow::Result<Started> {
    let mut w = ctx.start(&launcher(ctx, name, free_port()?)?, placement)?;
    let url = w
        .expect("READY", Duration::from_secs(30))
        .with_context(|| format!("starting {name}"))?;
    Ok(Started {
        _process: Some(w),
        url,
    })
}

/// The workloads on every router; `crossbar` is the URL of the running Crossbar node.
pub(crate) fn routers(
    ctx: &mut Ctx,
    placement: Placement,
    crossbar: Option<&str>,
) -> anyhow::Result<()> {
    let ours = RouterProcess::start(ctx, placement)?;
    let mut all = vec![(
        "wamp-router",
        Started {
            _process: None,
            url: ours.ws.clone(),
        },
    )];
    if let Some(url) = crossbar {
        let url = url.to_string();
        all.push((
            "Crossbar",
            Started {
                _process: None,
                url,
            },
        ));
    }
    for name in OTHERS {
        all.push((name, start(ctx, name, placement)?));
    }
    let mut callees = Vec::new();
    let mut failed_callees = Vec::new();
    for (name, started) in &all {
        match callee(ctx, placement, &started.url, "json", false) {
            Ok(w) => callees.push(w),
            Err(e) => failed_callees.push((*name, format!("{e:#}"))),
        }
    }
    let c = &*ctx;
    let mut cases: Vec<(Figure, Measure<'_>)> = Vec::new();
    for (name, started) in &all {
        let (name, url) = (*name, started.url.as_str());
        let no_callee = failed_callees
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e.clone());
        for n in CALLS {
            let no_callee = no_callee.clone();
            let figure = Figure::new("routers", "RPC", placement, Metric::Rate, "calls/s")
                .param("router", name)
                .param("inflight", n)
                .key(&format!("routers/{name}/rpc/{n}"));
            // Our callee failing to register is ours to answer for, not the router's.
            let figure = if no_callee.is_some() {
                figure
            } else {
                fault(figure, name)
            };
            cases.push((
                figure,
                Box::new(move || {
                    if let Some(e) = &no_callee {
                        anyhow::bail!("our callee could not register: {e}");
                    }
                    let spec = caller_spec(c, url, "json", "typed", n, false)?;
                    c.sample(&shorter(spec), placement)
                }),
            ));
        }
        for s in SUBSCRIBERS {
            let figure = Figure::new("routers", "pub/sub", placement, Metric::Rate, "events/s")
                .param("router", name)
                .param("subscribers", s)
                .key(&format!("routers/{name}/pubsub/{s}"));
            cases.push((
                fault(figure, name),
                Box::new(move || {
                    let spec = pubsub_spec(c, url, "json", s, EVENTS_IN_FLIGHT)?;
                    c.sample(&shorter(spec), placement)
                }),
            ));
        }
    }
    let figures = run_cases(c, cases);
    ctx.report.figures.extend(figures);
    for mut w in callees {
        w.stop();
    }
    drop(all);
    drop(ours);
    Ok(())
}

/// The windows of the routers' figures: a warm-up of at most 150 ms and a measured window of
/// at most 400 ms, the same for every workload (seven routers, ten figures each, in a run of
/// under 15 minutes).
fn shorter(mut spec: Spec) -> Spec {
    for (flag, most) in [("--warmup-ms", 150u64), ("--duration-ms", 400)] {
        if let Some(i) = spec.args.iter().position(|a| a == flag) {
            if let Some(v) = spec.args.get_mut(i + 1) {
                *v = v.parse::<u64>().unwrap_or(most).min(most).to_string();
            }
        }
    }
    spec
}

/// A figure whose failure is the router's, not the run's (every router but ours).
fn fault(mut figure: Figure, router: &str) -> Figure {
    figure.peer_fault = router != "wamp-router";
    figure
}

/// The targets: `wamp-router` ahead of each other router on every workload it completed, per
/// placement; the workloads a router failed are named in the detail.
pub(crate) fn targets(report: &Report, placement: Placement) -> Vec<Target> {
    let find = |key: &str| {
        report
            .figures
            .iter()
            .find(|f| f.key == key && f.placement == placement)
    };
    let mut out = Vec::new();
    for other in std::iter::once("Crossbar").chain(OTHERS) {
        let mut ratios = Vec::new();
        let mut broke = Vec::new();
        // Workloads not judged for a reason that is not this router's: our figure failed, or
        // theirs is not there, or failed on a fault of ours.
        let mut missing = Vec::new();
        let workloads = CALLS
            .iter()
            .map(|n| (format!("rpc/{n}"), format!("{n} calls in flight")))
            .chain(
                SUBSCRIBERS
                    .iter()
                    .map(|s| (format!("pubsub/{s}"), format!("{s} subscribers"))),
            );
        for (key, label) in workloads {
            let ours = find(&format!("routers/wamp-router/{key}"));
            let theirs = find(&format!("routers/{other}/{key}"));
            match (ours, theirs) {
                (Some(o), Some(t)) if o.error.is_none() && t.error.is_none() && t.value > 0.0 => {
                    ratios.push((label, o.value / t.value));
                }
                (Some(o), Some(t)) if o.error.is_none() && t.error.is_some() && t.peer_fault => {
                    broke.push(label);
                }
                (None, None) => {}
                _ => missing.push(label),
            }
        }
        if ratios.is_empty() && broke.is_empty() && missing.is_empty() {
            continue;
        }
        let worst = ratios
            .iter()
            .cloned()
            .reduce(|a, b| if b.1 < a.1 { b } else { a });
        let all: Vec<String> = ratios
            .iter()
            .map(|(l, v)| format!("{l} {}", crate::format::short(*v)))
            .collect();
        let mut detail = match &worst {
            Some((label, _)) => format!("worst: {label}; all: {}", all.join(", ")),
            None => "no workload completed on both".to_string(),
        };
        if !broke.is_empty() {
            detail.push_str(&format!(
                "; {other} failed (see the routers table): {}",
                broke.join(", ")
            ));
        }
        if !missing.is_empty() {
            detail.push_str(&format!("; not measured: {}", missing.join(", ")));
        }
        let measured = worst.map_or(0.0, |(_, v)| v);
        // Met only on every workload the router completed, and with none left unmeasured.
        let met = (missing.is_empty() && measured > 0.0).then_some(measured >= 1.0);
        out.push(Target {
            want: format!("wamp-router ahead of {other} on every workload (× ≥ 1)"),
            placement,
            measured,
            bound: 1.0,
            at_least: true,
            met,
            detail,
        });
    }
    out
}

impl Report {
    /// The Markdown section "Against other routers".
    pub(crate) fn routers_markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut md = String::new();
        if self.section("routers").next().is_none() {
            return md;
        }
        let _ = writeln!(md, "\n## Against other routers\n");
        let _ = writeln!(md, "Every router a user could pick instead that installs here from a package registry, each started by its launcher in `bench/peers/` (Crossbar.io from PyPI; fox-wamp, wamp.rt and wamp-server from npm; XConn's router from PyPI; the battler-wamp router from crates.io), with the same client processes: ours, calling our callee at 1 and 100 calls in flight, and publishing to 1, 8 and 64 subscribers with 100 events in flight, all over WebSocket json. *wamp-router ×*: wamp-router's figure over this router's, same workload and placement (above 1: wamp-router ahead). A workload a router failed is reported with what our worker saw; the same worker completes it through wamp-router and Crossbar in the same run.\n");
        let _ = writeln!(md, "| workload | router | placement | per s | wamp-router × | p50 µs | p99 µs | runs |\n|---|---|---|---|---|---|---|---|");
        let find = |key: &str, p: Placement| {
            self.figures
                .iter()
                .find(|f| f.key == key && f.placement == p && f.error.is_none())
        };
        for f in self.section("routers") {
            let param = f
                .params
                .get("inflight")
                .map(|v| format!("{v} in flight"))
                .or_else(|| {
                    f.params
                        .get("subscribers")
                        .map(|v| format!("{v} subscribers"))
                })
                .unwrap_or_default();
            let router = f.param_str("router");
            let ours = f
                .key
                .replacen(&format!("routers/{router}/"), "routers/wamp-router/", 1);
            let times = match (find(&ours, f.placement), &f.error) {
                (Some(o), None) if router != "wamp-router" && f.value > 0.0 => {
                    format!("{:.1}", o.value / f.value)
                }
                _ => "–".into(),
            };
            let (value, runs) = match &f.error {
                Some(e) => (
                    "**failed**".to_string(),
                    e.lines().next().unwrap_or("").replace('|', "/"),
                ),
                None => (crate::format::human(f.value), f.runs_str()),
            };
            let _ = writeln!(
                md,
                "| {} {param} | {router} | {} | {value} | {times} | {} | {} | {runs} |",
                f.name,
                f.placement.label(),
                crate::format::us(f.p50_us),
                crate::format::us(f.p99_us),
            );
        }
        md
    }
}
