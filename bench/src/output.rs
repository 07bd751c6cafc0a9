//! The report's verdicts and files: the targets judged on the figures (each placement on its
//! worst configuration), and `benchmarks.{json,svg,md}` with the scaling plot.

use std::fmt::Write as _;
use std::path::Path;

use crate::format::short;
use crate::report::Report;
use crate::spawn::Placement;
use crate::targets::{verdicts, Target};

impl Report {
    /// Judges every target of the issue on the figures.
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
}
