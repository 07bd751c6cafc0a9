//! The run: which figures are measured, with which parties, under which placement, in which
//! order. Every figure is measured `runs` times, interleaved with its neighbours so that drift
//! on a noisy machine spreads over all of them, and reported as the median.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::crossbar::{peers, Crossbar};
use crate::measure::Sample;
use crate::report::{Figure, Metric, Report};
use crate::spawn::{free_port, Placement, Spec, Worker};

/// Options of `wamp-bench run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Runs of every figure (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Every figure once, with short windows and small memory counts: checks that everything
    /// works, measures nothing worth quoting.
    #[arg(long)]
    pub quick: bool,
    /// Only these sections (floor, rpc, pubsub, peers, routers, memory, scale); the floor is
    /// always measured when rpc, pubsub, peers or routers is, since their ratios need it.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Only these placements (one-core, unpinned).
    #[arg(long, value_delimiter = ',')]
    pub placements: Vec<String>,
    /// Where the report goes (benchmarks.json, .svg, .md) and the workers' logs.
    #[arg(long, default_value = "target/bench")]
    pub out: PathBuf,
    /// Also write the Markdown report here (the docs page), with the plot beside it.
    #[arg(long)]
    pub docs: Option<PathBuf>,
    /// The repository root (for `scripts/crossbar.sh` and `bench/peers/`).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."))]
    pub root: PathBuf,
    /// The measured window of the local figures, milliseconds.
    #[arg(long, default_value_t = 600)]
    pub window_ms: u64,
    /// The measured window of the figures against Crossbar, milliseconds.
    #[arg(long, default_value_t = 700)]
    pub peer_window_ms: u64,
}

impl Default for RunArgs {
    fn default() -> Self {
        RunArgs {
            runs: 3,
            quick: false,
            only: Vec::new(),
            placements: Vec::new(),
            out: "target/bench".into(),
            docs: None,
            root: concat!(env!("CARGO_MANIFEST_DIR"), "/..").into(),
            window_ms: 600,
            peer_window_ms: 700,
        }
    }
}

/// What every section needs.
pub(crate) struct Ctx {
    pub(crate) args: RunArgs,
    runs: usize,
    logs: PathBuf,
    router_bin: PathBuf,
    window: (u64, u64),
    pub(crate) peer_window: (u64, u64),
    pub(crate) memory: MemoryCounts,
    pub(crate) report: Report,
}

/// How many connections, subscribers and calls the memory figures hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemoryCounts {
    pub(crate) idle_sessions: usize,
    /// Fewer than the sessions: tungstenite's bare accept loop takes 15 s for 10,000 here, and
    /// the figure is per connection.
    pub(crate) floor_connections: usize,
    pub(crate) subscribers: usize,
    pub(crate) pending_calls: usize,
}

/// One measurement of a figure.
pub(crate) type Measure<'a> = Box<dyn FnMut() -> anyhow::Result<Sample> + 'a>;

impl Ctx {
    fn wants(&self, section: &str) -> bool {
        self.args.only.is_empty() || self.args.only.iter().any(|s| s == section)
    }

    pub(crate) fn window_args(&self, peers: bool) -> Vec<String> {
        let (w, d) = if peers { self.peer_window } else { self.window };
        vec![
            "--warmup-ms".into(),
            w.to_string(),
            "--duration-ms".into(),
            d.to_string(),
        ]
    }

    pub(crate) fn start(&self, spec: &Spec, placement: Placement) -> anyhow::Result<Worker> {
        Worker::start(spec, placement, &self.logs)
    }

    /// Runs a worker to its RESULT.
    pub(crate) fn sample(&self, spec: &Spec, placement: Placement) -> anyhow::Result<Sample> {
        let worker = self.start(spec, placement)?;
        worker.result(Duration::from_secs(120))
    }

    /// Records a whole section that could not start as a failed figure.
    pub(crate) fn failed(&mut self, section: &str, placement: Placement, e: anyhow::Error) {
        let mut figure = Figure::new(section, "could not start", placement, Metric::Rate, "");
        figure.error = Some(format!("{e:#}"));
        eprintln!("{}", figure.progress_line());
        self.report.figures.push(figure);
    }
}

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
    let exe = std::env::current_exe()?;
    let router_bin = exe
        .parent()
        .map(|d| d.join("wamp-router"))
        .filter(|p| p.exists())
        .context("the wamp-router binary is not beside wamp-bench: build both (`cargo build --release -p wamp-router -p wamp-bench`)")?;
    std::fs::create_dir_all(&args.out)?;
    let logs = args.out.join("logs");
    let _ = std::fs::remove_dir_all(&logs);
    let quick = args.quick;
    let mut ctx = Ctx {
        runs: if quick { 1 } else { args.runs.max(1) },
        logs,
        router_bin,
        window: if quick {
            (50, 150)
        } else {
            (150, args.window_ms)
        },
        peer_window: if quick {
            (100, 300)
        } else {
            (300, args.peer_window_ms)
        },
        memory: if quick {
            MemoryCounts {
                idle_sessions: 500,
                floor_connections: 500,
                subscribers: 100,
                pending_calls: 2000,
            }
        } else {
            MemoryCounts {
                idle_sessions: 10_000,
                floor_connections: 2_000,
                subscribers: 1_000,
                pending_calls: 20_000,
            }
        },
        report: Report::new(quick),
        args,
    };
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
            if let Some(crossbar) = &crossbar {
                crossbar.place(placement)?;
            }
            let url = crossbar.as_ref().map(|c| c.url().to_string());
            if let Err(e) = crate::routers::routers(&mut ctx, placement, url.as_deref()) {
                ctx.failed("routers", placement, e);
            }
            if let Some(crossbar) = &crossbar {
                crossbar.place(Placement::Unpinned)?;
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

/// The frame relay with its echoing peer, measured by a floor client at `inflight` (frames the
/// size of a `bench.echo` CALL of `payload` bytes, when given).
pub(crate) fn relay(
    c: &Ctx,
    placement: Placement,
    inflight: usize,
    payload: Option<usize>,
) -> anyhow::Result<Sample> {
    let port = free_port()?;
    let mut relay = c.start(
        &Spec::own("relay", &["relay", "--addr", &format!("127.0.0.1:{port}")])?,
        placement,
    )?;
    relay.expect("READY", Duration::from_secs(10))?;
    let url = format!("ws://127.0.0.1:{port}");
    let mut peer = c.start(
        &Spec::own("echo-peer", &["echo-peer", "--url", &url])?,
        placement,
    )?;
    peer.expect("READY", Duration::from_secs(10))?;
    let depth = inflight.to_string();
    let mut args = vec!["floor-client", "--url", &url, "--inflight", &depth];
    let bytes = payload.map(|b| b.to_string());
    if let Some(bytes) = &bytes {
        args.extend(["--payload", bytes]);
    }
    let name = format!("floor-client-{inflight}");
    c.sample(
        &Spec::own(&name, &args)?.args(c.window_args(false)),
        placement,
    )
}

/// An echo server worker on a free port, and its URL.
pub(crate) fn echo_server(ctx: &Ctx, placement: Placement) -> anyhow::Result<(Worker, String)> {
    let addr = format!("127.0.0.1:{}", free_port()?);
    let spec = Spec::own("echo-server", &["echo-server", "--addr", &addr])?;
    let mut echo = ctx.start(&spec, placement)?;
    echo.expect("READY", Duration::from_secs(10))?;
    Ok((echo, format!("ws://{addr}")))
}

/// Measures cases against a shared context (the closures borrow it), returning the figures.
pub(crate) fn run_cases(ctx: &Ctx, cases: Vec<(Figure, Measure<'_>)>) -> Vec<Figure> {
    run_cases_times(ctx.runs, cases)
}

/// [`run_cases`] with `runs` runs of each (at least one).
pub(crate) fn run_cases_times(runs: usize, cases: Vec<(Figure, Measure<'_>)>) -> Vec<Figure> {
    let mut cases = cases;
    for run in 0..runs.max(1) {
        for (figure, measure) in cases.iter_mut() {
            if figure.error.is_some() {
                continue;
            }
            let began = Instant::now();
            match measure() {
                Ok(sample) => figure.runs.push(sample),
                Err(e) => figure.error = Some(format!("run {}: {e:#}", run + 1)),
            }
            figure.secs += began.elapsed().as_secs_f64();
        }
    }
    cases
        .into_iter()
        .map(|(mut figure, _)| {
            figure.finish();
            eprintln!("{}", figure.progress_line());
            figure
        })
        .collect()
}

/// A `wamp-router` process with a WebSocket and a RawSocket listener.
pub(crate) struct RouterProcess {
    pub(crate) worker: Worker,
    pub(crate) ws: String,
    tcp: String,
}

impl RouterProcess {
    pub(crate) fn start(ctx: &Ctx, placement: Placement) -> anyhow::Result<RouterProcess> {
        let (ws, tcp) = (free_port()?, free_port()?);
        let spec = Spec::program(
            "wamp-router",
            &ctx.router_bin,
            &[
                "--ws",
                &format!("127.0.0.1:{ws}"),
                "--tcp",
                &format!("127.0.0.1:{tcp}"),
            ],
        )
        .env("RUST_LOG", "warn");
        let mut worker = ctx.start(&spec, placement)?;
        worker.expect("listening on", Duration::from_secs(10))?;
        worker.expect("listening on", Duration::from_secs(10))?;
        Ok(RouterProcess {
            worker,
            ws: format!("ws://127.0.0.1:{ws}/"),
            tcp: format!("tcp://127.0.0.1:{tcp}"),
        })
    }
}

pub(crate) fn callee(
    ctx: &Ctx,
    placement: Placement,
    url: &str,
    ser: &str,
    hold: bool,
) -> anyhow::Result<Worker> {
    let mut args = vec!["callee", "--url", url, "--serializer", ser];
    if hold {
        args.push("--hold");
    }
    let mut w = ctx.start(&Spec::own("callee", &args)?, placement)?;
    w.expect("READY", Duration::from_secs(20))?;
    Ok(w)
}

pub(crate) fn caller_spec(
    ctx: &Ctx,
    url: &str,
    ser: &str,
    api: &str,
    inflight: usize,
    peers: bool,
) -> anyhow::Result<Spec> {
    let depth = inflight.to_string();
    let args = [
        "caller",
        "--url",
        url,
        "--serializer",
        ser,
        "--api",
        api,
        "--inflight",
        &depth,
    ];
    Ok(Spec::own(&format!("caller-{api}-{inflight}"), &args)?.args(ctx.window_args(peers)))
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

pub(crate) fn pubsub_spec(
    ctx: &Ctx,
    url: &str,
    ser: &str,
    subscribers: usize,
    window: u64,
) -> anyhow::Result<Spec> {
    let (s, w) = (subscribers.to_string(), window.to_string());
    let args = [
        "pubsub",
        "--url",
        url,
        "--serializer",
        ser,
        "--subscribers",
        &s,
        "--window-events",
        &w,
    ];
    // The one-subscriber, 100-in-flight figure is also a peers figure: it gets their window.
    let peers = window == 100 && subscribers == 1;
    Ok(Spec::own(&format!("pubsub-{subscribers}-{window}"), &args)?.args(ctx.window_args(peers)))
}
