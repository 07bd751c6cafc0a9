//! The Markdown report (`docs/benchmarks.md`): the machine, the targets, the plot, a table per
//! section, the figures that failed, and the hand-written analysis (`bench/analysis.md`).

use std::fmt::Write as _;
use std::path::Path;

use crate::format::{human, short, us};
use crate::report::{Figure, Report};

impl Report {
    /// The report as Markdown, the plot at `svg` (a path relative to the page).
    pub fn markdown(&self, svg: &str, root: &Path) -> String {
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
        let _ = writeln!(md, "A target is met only where every configuration of it meets it: each placement is judged on its worst figure, and the target on both placements.\n");
        let _ = writeln!(md, "| target | verdict | worst |\n|---|---|---|");
        for v in &self.verdicts {
            let verdict = match v.met {
                Some(true) => "met",
                Some(false) => "missed",
                None => "not measured everywhere",
            };
            let _ = writeln!(md, "| {} | **{verdict}** | {} |", v.want, v.worst);
        }
        let _ = writeln!(md, "\nPer placement:\n");
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
        let _ = writeln!(md, "A `wamp-router` process, a callee process serving `bench.add(a, b)` through `#[wamp_service]`, and a caller process calling it with the typed stub (`BenchClient::add`) or raw `session.call(\"bench.add\").args(&(a, 1))`, keeping N calls in flight. *in-process*: router, callee and caller in one process over `router.connect()`; API *validated* is the typed stub on a realm that validates payloads against the service's description (`RealmConfig::validate_payloads`), its × column over the typed in-process figure (the cost of validation). CPU is the caller process's, per call. × relay: calls/s over the frame relay's round trips/s at the same depth and placement.\n");
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
        md.push_str(&self.routers_markdown());
        md.push_str(&self.growth_markdown(&svg.replace(".svg", "-scaling.svg")));
        let failed: Vec<&Figure> = self
            .figures
            .iter()
            .filter(|f| f.error.is_some() && !f.peer_fault)
            .collect();
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
