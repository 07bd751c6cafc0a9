//! What every section of a run needs: the run's options, its context (windows, counts, the
//! report being filled), how a figure's runs are measured, and the parties most figures start
//! (a `wamp-router` process, our callee, caller and pub/sub workers, the frame relay).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;

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
    pub(crate) runs: usize,
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
    /// Whether `section` is measured in this run.
    pub(crate) fn wants(&self, section: &str) -> bool {
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

impl Ctx {
    /// The context of a run with `args`: the router binary beside this one, the logs folder,
    /// the windows and counts (`--quick` shortens them), an empty report.
    pub(crate) fn new(args: RunArgs) -> anyhow::Result<Ctx> {
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
        Ok(Ctx {
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
        })
    }
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
    pub(crate) tcp: String,
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
