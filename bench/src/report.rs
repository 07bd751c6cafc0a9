//! The results: figures (medians of their runs, ratios against their baselines), the targets met
//! or missed, and the report files (JSON, SVG, Markdown).

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::measure::{median, Sample};
use crate::spawn::Placement;

/// What a figure's value is taken from.
#[derive(Debug, Clone, Copy, Serialize)]
pub enum Metric {
    /// Operations per second.
    Rate,
    /// A number in the samples' `extra`.
    Extra(&'static str),
}

/// One measured figure: its runs and their medians.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// floor, rpc, pubsub, peers or memory.
    pub section: String,
    /// What is measured (transport, server...).
    pub name: String,
    /// Where its processes ran.
    pub placement: Placement,
    /// Its parameters (api, in flight, subscribers, client, router...).
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Its unit.
    pub unit: String,
    /// How other figures name it as their baseline (unique per placement).
    pub key: String,
    /// The key of its baseline, measured in the same run and placement.
    pub baseline: Option<String>,
    /// What the value is taken from.
    pub metric: Metric,
    /// Each run.
    pub runs: Vec<Sample>,
    /// Why it could not be measured.
    pub error: Option<String>,
    /// The median value over the runs.
    pub value: f64,
    /// Median of the runs' median latencies, microseconds.
    pub p50_us: f64,
    /// Median of the runs' 99th percentile latencies, microseconds.
    pub p99_us: f64,
    /// Median CPU time of the measuring process per operation, microseconds.
    pub cpu_us_per_op: f64,
    /// `value` divided by the baseline's value.
    pub ratio: Option<f64>,
    /// Wall time its runs took, set-up included.
    pub secs: f64,
}

impl Figure {
    /// A figure yet to be measured.
    pub fn new(
        section: &str,
        name: &str,
        placement: Placement,
        metric: Metric,
        unit: &str,
    ) -> Figure {
        Figure {
            section: section.into(),
            name: name.into(),
            placement,
            params: Default::default(),
            unit: unit.into(),
            key: String::new(),
            baseline: None,
            metric,
            runs: Vec::new(),
            error: None,
            value: 0.0,
            p50_us: 0.0,
            p99_us: 0.0,
            cpu_us_per_op: 0.0,
            ratio: None,
            secs: 0.0,
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, key: &str, value: impl Into<serde_json::Value>) -> Figure {
        self.params.insert(key.into(), value.into());
        self
    }

    /// Sets its key.
    pub fn key(mut self, key: &str) -> Figure {
        self.key = key.into();
        self
    }

    /// Sets its baseline's key.
    pub fn baseline(mut self, key: &str) -> Figure {
        self.baseline = Some(key.into());
        self
    }

    fn run_value(&self, s: &Sample) -> f64 {
        match self.metric {
            Metric::Rate => s.rate(),
            Metric::Extra(k) => s.extra.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0),
        }
    }

    /// Computes the medians from the runs.
    pub fn finish(&mut self) {
        let values: Vec<f64> = self.runs.iter().map(|s| self.run_value(s)).collect();
        self.value = median(&values);
        self.p50_us = median(&self.runs.iter().map(|s| s.p50_us).collect::<Vec<_>>());
        self.p99_us = median(&self.runs.iter().map(|s| s.p99_us).collect::<Vec<_>>());
        self.cpu_us_per_op = median(
            &self
                .runs
                .iter()
                .filter(|s| s.ops > 0 && s.cpu_secs > 0.0)
                .map(|s| s.cpu_secs * 1e6 / s.ops as f64)
                .collect::<Vec<_>>(),
        );
        if self.error.is_none() && matches!(self.metric, Metric::Rate) && self.value <= 0.0 {
            self.error = Some("no operation completed in the window".into());
        }
    }

    fn describe(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k} {s}"),
                other => format!("{k} {other}"),
            })
            .collect();
        format!("{} {} [{}]", self.section, self.name, params.join(", "))
    }

    /// One line for the console as the run goes.
    pub fn progress_line(&self) -> String {
        match &self.error {
            Some(e) => format!(
                "FAILED {} ({}): {e}",
                self.describe(),
                self.placement.label()
            ),
            None => format!(
                "{:<70} {:>9}  {:>12} {} ({:.1} s)",
                self.describe(),
                self.placement.label(),
                human(self.value),
                self.unit,
                self.secs
            ),
        }
    }

    fn param_str(&self, key: &str) -> String {
        match self.params.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    }

    fn runs_str(&self) -> String {
        let v: Vec<String> = self.runs.iter().map(|s| human(self.run_value(s))).collect();
        v.join(" / ")
    }
}

/// A target of the issue, judged on the figures.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// What is wanted.
    pub want: String,
    /// The placement judged.
    pub placement: Placement,
    /// The measured figure judged (the worst where several are).
    pub measured: f64,
    /// The bound.
    pub bound: f64,
    /// Whether more is better.
    pub at_least: bool,
    /// Met, missed, or not measured (`None`).
    pub met: Option<bool>,
    /// Which figures, and the others judged with them.
    pub detail: String,
}

impl Target {
    fn gap(&self) -> String {
        if self.met.is_none() || self.measured <= 0.0 {
            return "not measured".into();
        }
        let r = self.measured / self.bound;
        if self.at_least {
            if r >= 1.0 {
                format!("met, {:+.0}% over", (r - 1.0) * 100.0)
            } else {
                format!(
                    "missed, {:.0}% short (needs ×{:.2})",
                    (1.0 - r) * 100.0,
                    1.0 / r
                )
            }
        } else if r <= 1.0 {
            format!("met, {:.0}% under", (1.0 - r) * 100.0)
        } else {
            format!("missed, {:.0}% over (needs ÷{:.2})", (r - 1.0) * 100.0, r)
        }
    }

    fn status(&self) -> &'static str {
        match self.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        }
    }
}

/// The machine the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// CPU model.
    pub cpu: String,
    /// CPUs online.
    pub cpus: usize,
    /// Memory.
    pub memory: String,
    /// Kernel release.
    pub kernel: String,
    /// `rustc -V`.
    pub rustc: String,
    /// Crossbar and Autobahn versions, when installed.
    pub peers: String,
    /// When (UTC).
    pub date: String,
}

impl Machine {
    fn probe() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let run = |cmd: &str, args: &[&str]| {
            std::process::Command::new(cmd)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_else(|| "unknown".into())
        };
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let memory = read("/proc/meminfo")
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
            .unwrap_or_default();
        let peers = match std::env::var("WAMP_PEERS_PYTHON") {
            Ok(py) => {
                let py_versions = run(
                    &py,
                    &[
                        "-c",
                        "import crossbar, autobahn; print(f'Crossbar {crossbar.__version__}, autobahn-python {autobahn.__version__}')",
                    ],
                );
                let js = std::env::var("WAMP_PEERS_NODE_PATH")
                    .map(|p| {
                        run(
                            "node",
                            &[
                                "-p",
                                &format!("require('{p}/autobahn/package.json').version"),
                            ],
                        )
                    })
                    .unwrap_or_else(|_| "unknown".into());
                format!(
                    "{py_versions}, autobahn-js {js}, Node {}",
                    run("node", &["-v"])
                )
            }
            Err(_) => "not installed".into(),
        };
        Machine {
            cpu,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            rustc: run("rustc", &["-V"]),
            peers,
            date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        }
    }
}

/// Everything one run produced.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// A smoke run (`--quick`): nothing worth quoting.
    pub quick: bool,
    /// The command line.
    pub command: String,
    /// How long the run took.
    pub elapsed_secs: f64,
    /// The machine.
    pub machine: Machine,
    /// Every figure.
    pub figures: Vec<Figure>,
    /// The targets.
    pub targets: Vec<Target>,
    /// Crossbar's processes' resident set size at the end of the peer figures.
    pub crossbar_rss: Option<u64>,
}

impl Report {
    /// An empty report on this machine.
    pub fn new(quick: bool) -> Report {
        Report {
            quick,
            command: String::new(),
            elapsed_secs: 0.0,
            machine: Machine::probe(),
            figures: Vec::new(),
            targets: Vec::new(),
            crossbar_rss: None,
        }
    }

    fn find(&self, key: &str, placement: Placement) -> Option<&Figure> {
        self.figures
            .iter()
            .find(|f| f.key == key && f.placement == placement && f.error.is_none())
    }

    fn ratios(&mut self) {
        let ratios: Vec<Option<f64>> = self
            .figures
            .iter()
            .map(|f| {
                let base = self.find(f.baseline.as_deref()?, f.placement)?;
                (base.value > 0.0 && f.error.is_none()).then(|| f.value / base.value)
            })
            .collect();
        for (f, r) in self.figures.iter_mut().zip(ratios) {
            f.ratio = r;
        }
    }

    fn judge(&mut self) {
        let mut targets = Vec::new();
        for placement in Placement::ALL {
            let value = |key: &str| self.find(key, placement).map(|f| f.value);
            let cpu = |key: &str| self.find(key, placement).map(|f| f.cpu_us_per_op);
            if !self.figures.iter().any(|f| f.placement == placement) {
                continue;
            }
            // Each worst-of target: (want, bound, at_least, [(label, measured)]).
            let mut judge = |want: &str,
                             bound: f64,
                             at_least: bool,
                             pairs: Vec<(String, Option<f64>)>| {
                let measured: Vec<(String, f64)> = pairs
                    .iter()
                    .filter_map(|(l, v)| {
                        v.filter(|v| v.is_finite() && *v > 0.0)
                            .map(|v| (l.clone(), v))
                    })
                    .collect();
                if measured.is_empty() {
                    return;
                }
                let missing = pairs.len() - measured.len();
                let worst =
                    measured
                        .iter()
                        .cloned()
                        .reduce(|a, b| if (b.1 < a.1) == at_least { b } else { a });
                let Some((worst_label, worst)) = worst else {
                    return;
                };
                let met = if missing > 0 {
                    None
                } else if at_least {
                    Some(worst >= bound)
                } else {
                    Some(worst <= bound)
                };
                let mut detail = format!("worst: {worst_label}; all: ");
                let all: Vec<String> = measured
                    .iter()
                    .map(|(l, v)| format!("{l} {}", short(*v)))
                    .collect();
                detail.push_str(&all.join(", "));
                if missing > 0 {
                    let _ = write!(detail, "; {missing} not measured");
                }
                targets.push(Target {
                    want: want.into(),
                    placement,
                    measured: worst,
                    bound,
                    at_least,
                    met,
                    detail,
                });
            };
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if b > 0.0 => Some(a / b),
                _ => None,
            };
            let mut pairs = Vec::new();
            for t in [
                "WebSocket json",
                "WebSocket msgpack",
                "RawSocket msgpack",
                "in-process",
            ] {
                for n in [1, 16, 256] {
                    pairs.push((
                        format!("{t} {n}"),
                        ratio(
                            value(&format!("rpc/{t}/typed/{n}")),
                            value(&format!("rpc/{t}/raw/{n}")),
                        ),
                    ));
                }
            }
            judge(
                "typed stub / raw session.call, calls/s ≥ 0.97",
                0.97,
                true,
                pairs,
            );
            for (n, bound, want) in [
                (
                    1,
                    0.8,
                    "one call at a time through wamp-router over WebSocket ≥ 0.8 × the frame relay",
                ),
                (
                    256,
                    0.6,
                    "256 in flight through wamp-router ≥ 0.6 × the frame relay's pipelined rate",
                ),
            ] {
                let mut pairs = Vec::new();
                for t in ["WebSocket json", "WebSocket msgpack"] {
                    for api in ["raw", "typed"] {
                        pairs.push((
                            format!("{t} {api}"),
                            ratio(
                                value(&format!("rpc/{t}/{api}/{n}")),
                                value(&format!("relay/{n}")),
                            ),
                        ));
                    }
                }
                judge(want, bound, true, pairs);
            }
            judge(
                "wamp-router / Crossbar, same client, 100 calls in flight ≥ 20",
                20.0,
                true,
                vec![(
                    "calls/s".into(),
                    ratio(
                        value("peers/rpc/wamp-rs/wamp-router/100"),
                        value("peers/rpc/wamp-rs/Crossbar/100"),
                    ),
                )],
            );
            judge(
                "wamp-router / Crossbar, same client, 100 events in flight ≥ 20",
                20.0,
                true,
                vec![(
                    "events/s".into(),
                    ratio(
                        value("peers/pubsub/wamp-rs/wamp-router"),
                        value("peers/pubsub/wamp-rs/Crossbar"),
                    ),
                )],
            );
            for (peer, bound) in [("autobahn-python", 0.1), ("autobahn-js", 0.25)] {
                let pairs = [1, 100]
                    .iter()
                    .map(|n| {
                        (
                            format!("{n} in flight"),
                            ratio(
                                cpu(&format!("peers/rpc/wamp-rs/Crossbar/{n}")),
                                cpu(&format!("peers/rpc/{peer}/Crossbar/{n}")),
                            ),
                        )
                    })
                    .collect();
                judge(
                    &format!("client CPU per call against Crossbar ≤ {bound} × {peer}'s"),
                    bound,
                    false,
                    pairs,
                );
            }
            judge(
                "wamp-router memory ≤ 20 KiB per idle session",
                20.0 * 1024.0,
                false,
                vec![("bytes/session".into(), value("memory/router-idle"))],
            );
        }
        self.targets = targets;
    }

    /// Computes ratios and targets and writes `benchmarks.{json,svg,md}` to `out` (and the
    /// Markdown and SVG to `docs`).
    pub fn write(&mut self, out: &Path, docs: Option<&Path>, root: &Path) -> anyhow::Result<()> {
        self.ratios();
        self.judge();
        std::fs::write(
            out.join("benchmarks.json"),
            serde_json::to_string_pretty(self)?,
        )?;
        let svg = crate::plot::svg(self);
        std::fs::write(out.join("benchmarks.svg"), &svg)?;
        std::fs::write(
            out.join("benchmarks.md"),
            self.markdown("benchmarks.svg", root),
        )?;
        if let Some(docs) = docs {
            let dir = docs.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)?;
            let stem = docs
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("benchmarks");
            std::fs::write(dir.join(format!("{stem}.svg")), &svg)?;
            std::fs::write(
                dir.join(format!("{stem}.json")),
                serde_json::to_string_pretty(self)?,
            )?;
            std::fs::write(docs, self.markdown(&format!("{stem}.svg"), root))?;
        }
        Ok(())
    }

    /// The targets, for the console.
    pub fn summary(&self) -> String {
        let mut s = String::from("\nTargets:\n");
        for t in &self.targets {
            let _ = writeln!(
                s,
                "  {:<12} {:<9} {:<88} {} ({})",
                t.status(),
                t.placement.label(),
                t.want,
                short(t.measured),
                t.gap()
            );
        }
        let failed = self.figures.iter().filter(|f| f.error.is_some()).count();
        let _ = writeln!(
            s,
            "{} figures, {failed} failed, in {:.0} s",
            self.figures.len(),
            self.elapsed_secs
        );
        s
    }

    fn section(&self, section: &str) -> impl Iterator<Item = &Figure> {
        let section = section.to_string();
        self.figures.iter().filter(move |f| f.section == section)
    }

    fn markdown(&self, svg: &str, root: &Path) -> String {
        let mut md = String::new();
        let m = &self.machine;
        let _ = writeln!(md, "# Benchmarks\n");
        if self.quick {
            let _ = writeln!(md, "> **A quick smoke run (`--quick`): one short run per figure. Do not quote these figures.**\n");
        }
        let _ = writeln!(
            md,
            "Measured {} by `bash scripts/bench.sh` (`{}`), which took {:.1} min. \
             Every figure is the median of {} runs, each against baselines measured in the same run \
             and placement. The raw runs are in [`{}`]({}).\n",
            m.date,
            self.command.rsplit('/').next().unwrap_or(&self.command),
            self.elapsed_secs / 60.0,
            self.figures.iter().map(|f| f.runs.len()).max().unwrap_or(0),
            svg.replace(".svg", ".json"),
            svg.replace(".svg", ".json"),
        );
        let _ = writeln!(md, "## Machine\n");
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| CPU | {} ({} CPUs online) |", m.cpu, m.cpus);
        let _ = writeln!(md, "| memory | {} |", m.memory);
        let _ = writeln!(md, "| kernel | Linux {} |", m.kernel);
        let _ = writeln!(md, "| Rust | {} (release profile) |", m.rustc);
        let _ = writeln!(md, "| peers | {} |", m.peers);
        let _ = writeln!(md, "| placement | *one core*: every process of the figure under `taskset -c 0` (Crossbar's too); *unpinned*: `taskset -c 0-{}` |\n", m.cpus.saturating_sub(1));

        let _ = writeln!(md, "## Targets\n");
        let _ = writeln!(
            md,
            "| target | placement | measured | status | figures |\n|---|---|---|---|---|"
        );
        for t in &self.targets {
            let _ = writeln!(
                md,
                "| {} | {} | {} | **{}** | {} |",
                t.want,
                t.placement.label(),
                short(t.measured),
                t.gap(),
                t.detail
            );
        }
        let _ = writeln!(md, "\n![benchmark plot]({svg})\n");

        let _ = writeln!(md, "## Floor baselines\n");
        let _ = writeln!(md, "A WebSocket echo server, and a frame relay that forwards WebSocket frames between a caller and an echoing callee without parsing them (caller → relay → callee → relay → caller: the four hops of a routed call). Same sockets, WebSocket library (tokio-tungstenite) and runtime as the library; the frame is the JSON CALL the RPC figures send.\n");
        let _ = writeln!(md, "| baseline | in flight | placement | round trips/s | p50 µs | p99 µs | client CPU µs/round trip | runs |\n|---|---|---|---|---|---|---|---|");
        for f in self.section("floor") {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                f.name,
                f.param_str("inflight"),
                f.placement.label(),
                cell(f),
                us(f.p50_us),
                us(f.p99_us),
                us(f.cpu_us_per_op),
                f.runs_str()
            );
        }

        let _ = writeln!(md, "\n## RPC through wamp-router\n");
        let _ = writeln!(md, "A `wamp-router` process, a callee process serving `bench.add(a, b)` through `#[wamp_service]`, and a caller process calling it with the typed stub (`BenchClient::add`) or raw `session.call(\"bench.add\").args(&(a, 1))`, keeping N calls in flight. *in-process*: router, callee and caller in one process over `router.connect()`. CPU is the caller process's, per call. × relay: calls/s over the frame relay's round trips/s at the same depth and placement.\n");
        let _ = writeln!(md, "| transport | API | in flight | placement | calls/s | × relay | p50 µs | p99 µs | caller CPU µs/call | runs |\n|---|---|---|---|---|---|---|---|---|---|");
        for f in self.section("rpc") {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                f.name,
                f.param_str("api"),
                f.param_str("inflight"),
                f.placement.label(),
                cell(f),
                ratio(f),
                us(f.p50_us),
                us(f.p99_us),
                us(f.cpu_us_per_op),
                f.runs_str()
            );
        }

        let _ = writeln!(md, "\n## Pub/sub through wamp-router\n");
        let _ = writeln!(md, "One publisher and N subscribers, each its own session over WebSocket json, in one client process. The publisher keeps at most 1 or 100 events on their way to the slowest subscriber, so every event reaches every subscriber and nothing is dropped: events/s is what every subscriber received. Latency is publish to receive, per delivery. × relay: events/s over the frame relay's round trips/s at the same depth.\n");
        let _ = writeln!(md, "| subscribers | in flight | placement | events/s | deliveries/s | × relay | p50 µs | p99 µs | client CPU µs/event | runs |\n|---|---|---|---|---|---|---|---|---|---|");
        for f in self.section("pubsub") {
            let subs = f
                .params
                .get("subscribers")
                .and_then(|v| v.as_f64())
                .unwrap_or(1.0);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                f.param_str("subscribers"),
                f.param_str("in flight"),
                f.placement.label(),
                cell(f),
                human(f.value * subs),
                ratio(f),
                us(f.p50_us),
                us(f.p99_us),
                us(f.cpu_us_per_op),
                f.runs_str()
            );
        }

        let _ = writeln!(md, "\n## Against Crossbar.io and Autobahn\n");
        let _ = writeln!(md, "The same workloads with each client: RPC against our callee (a `wamp-rs` process on the same router), and pub/sub with the client's own publisher and subscriber sessions, 100 events in flight. Every client runs over WebSocket json. CPU is the client process's own (`ProcessTime`, `time.process_time()`, `process.cpuUsage()`), per call or event.\n");
        let _ = writeln!(md, "| workload | client | router | in flight | placement | per s | × relay | p50 µs | p99 µs | client CPU µs/op | runs |\n|---|---|---|---|---|---|---|---|---|---|---|");
        for f in self.section("peers") {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                f.name,
                f.param_str("client"),
                f.param_str("router"),
                f.params
                    .get("inflight")
                    .or(f.params.get("in flight"))
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                f.placement.label(),
                cell(f),
                ratio(f),
                us(f.p50_us),
                us(f.p99_us),
                us(f.cpu_us_per_op),
                f.runs_str()
            );
        }
        if let Some(rss) = self.crossbar_rss {
            let _ = writeln!(
                md,
                "\nCrossbar's processes held {:.0} MiB (resident) after these figures.",
                rss as f64 / 1048576.0
            );
        }

        let _ = writeln!(md, "\n## Memory\n");
        let _ = writeln!(md, "Resident set size of a fresh server process before and after a client process opens the connections (each WAMP session joined, each subscriber subscribed to one topic), divided by their number; the baseline is the echo server holding as many bare WebSocket connections. Client: the caller process's RSS before and after starting calls that the callee never answers, divided by their number (the call futures included).\n");
        let _ = writeln!(md, "| what | count | placement | bytes each | × baseline | runs |\n|---|---|---|---|---|---|");
        for f in self.section("memory") {
            let count = f
                .params
                .values()
                .next()
                .map(|v| v.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                f.name,
                count,
                f.placement.label(),
                cell(f),
                ratio(f),
                f.runs_str()
            );
        }
        let failed: Vec<&Figure> = self.figures.iter().filter(|f| f.error.is_some()).collect();
        if !failed.is_empty() {
            let _ = writeln!(md, "\n## Figures that failed\n");
            for f in failed {
                let _ = writeln!(
                    md,
                    "- {} ({}): {}",
                    f.describe(),
                    f.placement.label(),
                    f.error.as_deref().unwrap_or("")
                );
            }
        }
        if let Ok(analysis) = std::fs::read_to_string(root.join("bench/analysis.md")) {
            let _ = writeln!(md, "\n{}", analysis.trim_end());
        }
        md
    }
}

fn cell(f: &Figure) -> String {
    match &f.error {
        Some(_) => "FAILED".into(),
        None => human(f.value),
    }
}

fn ratio(f: &Figure) -> String {
    f.ratio
        .map(|r| format!("{r:.2}"))
        .unwrap_or_else(|| "–".into())
}

fn us(v: f64) -> String {
    if v <= 0.0 {
        "–".into()
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A number with thousands separators (or two decimals below 10).
pub fn human(v: f64) -> String {
    if v.abs() < 10.0 {
        return format!("{v:.2}");
    }
    let s = format!("{:.0}", v.round());
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

fn short(v: f64) -> String {
    if v.abs() >= 100.0 {
        human(v)
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(human(1234567.4), "1,234,567");
        assert_eq!(human(999.0), "999");
        assert_eq!(human(4.256), "4.26");
        assert_eq!(short(0.9712), "0.971");
    }

    #[test]
    fn gaps_say_how_far() {
        let t = Target {
            want: "x".into(),
            placement: Placement::OneCore,
            measured: 0.5,
            bound: 0.8,
            at_least: true,
            met: Some(false),
            detail: String::new(),
        };
        assert_eq!(t.gap(), "missed, 38% short (needs ×1.60)");
        let t = Target {
            measured: 10.0,
            bound: 20.0,
            at_least: false,
            met: Some(true),
            ..t
        };
        assert_eq!(t.gap(), "met, 50% under");
    }
}
