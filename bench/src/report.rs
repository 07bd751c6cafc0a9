//! The results: figures (medians of their runs, ratios against their baselines), the targets met
//! or missed (judged in `output`), and the console's summary.

use std::fmt::Write as _;

use serde::Serialize;

use crate::format::{human, short, text};
pub use crate::machine::Machine;
use crate::measure::{median, Sample};
use crate::spawn::Placement;
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

    pub(crate) fn find(&self, key: &str, placement: Placement) -> Option<&Figure> {
        self.figures
            .iter()
            .find(|f| f.key == key && f.placement == placement && f.error.is_none())
    }

    /// Each figure's ratio to its baseline.
    pub(crate) fn ratios(&mut self) {
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
