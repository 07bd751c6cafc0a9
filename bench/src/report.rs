//! The results: figures (medians of their runs, ratios against their baselines), the targets met
//! or missed, and the report files (JSON, SVG, Markdown).

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

pub use crate::machine::Machine;
use crate::measure::{median, Sample};
use crate::spawn::Placement;
use crate::targets::verdicts;
pub use crate::targets::{Target, Verdict};

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
    /// An error here is the peer's (another router failing a workload our client completes
    /// elsewhere): reported as such, and the run still succeeds.
    pub peer_fault: bool,
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
            peer_fault: false,
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

    pub(crate) fn describe(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k} {}", text(v)))
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

    pub(crate) fn param_str(&self, key: &str) -> String {
        self.params.get(key).map(text).unwrap_or_default()
    }

    pub(crate) fn runs_str(&self) -> String {
        let v: Vec<String> = self.runs.iter().map(|s| human(self.run_value(s))).collect();
        v.join(" / ")
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
    /// The targets, per placement.
    pub targets: Vec<Target>,
    /// The targets over every placement (met only where every configuration meets them).
    pub verdicts: Vec<Verdict>,
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
            verdicts: Vec::new(),
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
            // Each target is judged on its worst configuration: it is met only where every
            // configuration meets it. (want, bound, at_least, [(label, measured)]).
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
                let judged = worst;
                let met = if missing > 0 {
                    None
                } else if at_least {
                    Some(judged >= bound)
                } else {
                    Some(judged <= bound)
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
                    measured: judged,
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
                "wamp-router memory ≤ 16 KiB per idle session",
                16.0 * 1024.0,
                false,
                vec![("bytes/session".into(), value("memory/router-idle"))],
            );
        }
        for placement in Placement::ALL {
            targets.extend(crate::routers::targets(self, placement));
        }
        self.verdicts = verdicts(&targets);
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
        let curves = crate::curves::svg(self);
        std::fs::write(out.join("benchmarks.svg"), &svg)?;
        if let Some(curves) = &curves {
            std::fs::write(out.join("benchmarks-scaling.svg"), curves)?;
        }
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
            if let Some(curves) = &curves {
                std::fs::write(dir.join(format!("{stem}-scaling.svg")), curves)?;
            }
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
        let _ = writeln!(s, "Verdicts (met only where every configuration meets it):");
        for v in &self.verdicts {
            let verdict = match v.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "not measured",
            };
            let _ = writeln!(s, "  {verdict:<12} {:<98} worst {}", v.want, v.worst);
        }
        let failed = |theirs: bool| {
            self.figures
                .iter()
                .filter(|f| f.error.is_some() && f.peer_fault == theirs)
                .count()
        };
        let _ = writeln!(
            s,
            "{} figures, {} failed, in {:.0} s; {} workloads failed by other routers (reported, see the routers table)",
            self.figures.len(),
            failed(false),
            self.elapsed_secs,
            failed(true)
        );
        s
    }

    pub(crate) fn section(&self, section: &str) -> impl Iterator<Item = &Figure> {
        let section = section.to_string();
        self.figures.iter().filter(move |f| f.section == section)
    }
}

/// A parameter's value as text: strings without their quotes.
pub(crate) fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
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

pub(crate) fn short(v: f64) -> String {
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
}
