//! How cost grows, in the report: the scaling curves' points (section `scale`) as series, the
//! growth exponent of each step, and their Markdown tables.
//!
//! A step from x₁ to x₂ with costs c₁ and c₂ grows with exponent ln(c₂/c₁) / ln(x₂/x₁): 1 is
//! linear (twice the subscribers, twice the work per event), above 1 is faster than linear. The
//! cost of each curve is the one that should grow at most linearly: the mean time a call is in
//! flight (Little's law makes it linear once the rate is flat), the time one event takes to reach
//! every subscriber, the memory of all sessions, the time one call of a payload takes.

use std::fmt::Write as _;

use crate::format::{human, us};
use crate::report::{Figure, Report};

/// A step is called faster than linear above this exponent (the noise of this machine moves
/// single steps by about 0.1).
pub const SUPERLINEAR: f64 = 1.15;

/// One curve's points: x and the figure.
pub struct Series<'a> {
    /// The figures' name (wamp-router, frame relay...).
    pub name: &'a str,
    /// (x, figure), by x.
    pub points: Vec<(f64, &'a Figure)>,
}

impl Report {
    /// The series of a curve, in the order first measured.
    pub fn series(&self, curve: &str) -> Vec<Series<'_>> {
        let mut out: Vec<Series<'_>> = Vec::new();
        for f in self.section("scale").filter(|f| f.error.is_none()) {
            if f.params.get("curve").and_then(|v| v.as_str()) != Some(curve) {
                continue;
            }
            let Some(x) = f.params.get("x").and_then(|v| v.as_f64()) else {
                continue;
            };
            match out.iter_mut().find(|s| s.name == f.name) {
                Some(s) => s.points.push((x, f)),
                None => out.push(Series {
                    name: &f.name,
                    points: vec![(x, f)],
                }),
            }
        }
        for s in &mut out {
            s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        out
    }

    /// The Markdown section "How cost grows".
    pub fn growth_markdown(&self, svg: &str) -> String {
        let mut md = String::new();
        if self.section("scale").next().is_none() {
            return md;
        }
        let _ = writeln!(md, "\n## How cost grows\n");
        let _ = writeln!(md, "Each point is a figure of its own (median of its runs), measured unpinned. *growth*: the exponent of the step from the row above, ln(cost ratio) / ln(x ratio), with the cost named per table: 1 is linear, **bold** above {SUPERLINEAR} is faster than linear (the analysis below explains each).\n");
        let _ = writeln!(md, "![scaling curves]({svg})\n");

        let _ = writeln!(md, "### Calls in flight\n");
        let _ = writeln!(md, "WebSocket msgpack, typed stub, one caller process and one callee through `wamp-router`; the frame relay at the same depth. Cost: the mean time a call is in flight, in flight / calls/s (Little's law; the p99 is shown, but one slow call moves it).\n");
        let _ = writeln!(md, "| in flight | series | per s | × relay | p50 µs | p99 µs | growth | runs |\n|---|---|---|---|---|---|---|---|");
        for s in self.series("inflight") {
            rows(&mut md, &s, |f, x| x / f.value, |f| f.value, "");
        }

        let _ = writeln!(md, "\n### Subscribers on one topic\n");
        let _ = writeln!(md, "One publisher and N subscriber sessions (WebSocket json, one client process), {} events at most on their way to the slowest subscriber. Cost: the time one event takes to reach every subscriber (1 / events/s).\n", crate::scale::FANOUT_WINDOW);
        let _ = writeln!(md, "| subscribers | series | events/s | × relay | p50 µs | p99 µs | growth | runs | deliveries/s |\n|---|---|---|---|---|---|---|---|---|");
        for s in self.series("subscribers") {
            rows(&mut md, &s, |f, _| 1.0 / f.value, |f| f.value, "deliveries");
        }

        let _ = writeln!(md, "\n### Idle sessions\n");
        let _ = writeln!(md, "Resident set size a fresh `wamp-router` gains while a client process holds N joined sessions over WebSocket json, per session (the router side only); and the same over the in-process connection with router and clients in one process (both halves of every session, no socket). Joins/s: sessions opened 200 at a time. A process may hold at most 20,000 file descriptors on this machine (the hard limit; raising it is refused), so WebSocket sessions stop at 15,000 and 50,000 are measured in process. Cost: all sessions' bytes.\n");
        let _ = writeln!(md, "| sessions | series | bytes/session | joins/s | growth | runs |\n|---|---|---|---|---|---|");
        for s in self.series("sessions") {
            let mut prev: Option<(f64, f64)> = None;
            for (x, f) in &s.points {
                let cost = f.value * x;
                let joins = f
                    .runs
                    .iter()
                    .filter_map(|r| r.extra.get("joins_per_sec").and_then(|v| v.as_f64()))
                    .collect::<Vec<_>>();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    count(*x),
                    s.name,
                    human(f.value),
                    if joins.is_empty() {
                        "–".into()
                    } else {
                        human(crate::measure::median(&joins))
                    },
                    growth_cell(prev, (*x, cost)),
                    f.runs_str()
                );
                prev = Some((*x, cost));
            }
        }

        let _ = writeln!(md, "\n### Payload size\n");
        let _ = writeln!(md, "`bench.echo` with a string of N bytes and back (raw `session.call`, WebSocket msgpack, {} in flight), against the relay carrying frames of the same size. MB/s counts the payload once per call. Cost: the time one call takes (1 / calls/s).\n", crate::scale::PAYLOAD_INFLIGHT);
        let _ = writeln!(md, "| bytes | series | per s | × relay | p50 µs | p99 µs | growth | runs | MB/s |\n|---|---|---|---|---|---|---|---|---|");
        for s in self.series("payload") {
            rows(&mut md, &s, |f, _| 1.0 / f.value, |f| f.value, "megabytes");
        }
        md
    }
}

/// The table rows of one series; `extra` adds a last column (deliveries or megabytes per s).
fn rows(
    md: &mut String,
    s: &Series<'_>,
    cost: impl Fn(&Figure, f64) -> f64,
    rate: impl Fn(&Figure) -> f64,
    extra: &str,
) {
    let mut prev: Option<(f64, f64)> = None;
    for (x, f) in &s.points {
        let c = cost(f, *x);
        let last = match extra {
            "deliveries" => format!(" {} |", human(rate(f) * x)),
            "megabytes" => format!(" {:.1} |", rate(f) * x / 1e6),
            _ => String::new(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |{last}",
            count(*x),
            s.name,
            human(f.value),
            f.ratio.map_or("–".into(), |r| format!("{r:.2}")),
            us(f.p50_us),
            us(f.p99_us),
            growth_cell(prev, (*x, c)),
            f.runs_str()
        );
        prev = Some((*x, c));
    }
}

/// A curve's x: a whole number, grouped.
fn count(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.0}")
    } else {
        human(x)
    }
}

/// The growth exponent of a step.
pub fn exponent(from: (f64, f64), to: (f64, f64)) -> Option<f64> {
    let (x1, c1) = from;
    let (x2, c2) = to;
    (x1 > 0.0 && x2 > x1 && c1 > 0.0 && c2 > 0.0).then(|| (c2 / c1).ln() / (x2 / x1).ln())
}

fn growth_cell(prev: Option<(f64, f64)>, now: (f64, f64)) -> String {
    match prev.and_then(|p| exponent(p, now)) {
        Some(e) if e > SUPERLINEAR => format!("**{e:.2}**"),
        Some(e) => format!("{e:.2}"),
        None => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_say_linear_and_faster() {
        let linear = exponent((10.0, 1.0), (100.0, 10.0));
        assert!(linear.is_some_and(|e| (e - 1.0).abs() < 1e-9), "{linear:?}");
        let quadratic = exponent((10.0, 1.0), (100.0, 100.0));
        assert!(
            quadratic.is_some_and(|e| (e - 2.0).abs() < 1e-9),
            "{quadratic:?}"
        );
        assert_eq!(exponent((10.0, 0.0), (100.0, 1.0)), None);
        assert_eq!(growth_cell(Some((1.0, 1.0)), (10.0, 100.0)), "**2.00**");
    }
}
