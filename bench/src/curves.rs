//! The scaling curves as one SVG: log-log panels, two to a row, one line per series.

use std::fmt::Write as _;

use crate::report::{Figure, Report};

const PANEL_W: f64 = 470.0;
const PANEL_H: f64 = 250.0;
const LEFT: f64 = 70.0;
const TOP: f64 = 34.0;
const PLOT_W: f64 = 370.0;
const PLOT_H: f64 = 170.0;
const COLORS: [&str; 3] = ["#2b6cb0", "#dd6b20", "#38a169"];

/// What a panel plots of each figure, given its x.
type Value = fn(&Figure, f64) -> f64;

struct Panel {
    curve: &'static str,
    title: &'static str,
    x_label: &'static str,
    value: Value,
}

const PANELS: [Panel; 8] = [
    Panel {
        curve: "inflight",
        title: "calls/s against calls in flight",
        x_label: "calls in flight",
        value: |f, _| f.value,
    },
    Panel {
        curve: "inflight",
        title: "p99 µs against calls in flight",
        x_label: "calls in flight",
        value: |f, _| f.p99_us,
    },
    Panel {
        curve: "subscribers",
        title: "deliveries/s against subscribers",
        x_label: "subscribers",
        value: |f, x| f.value * x,
    },
    Panel {
        curve: "subscribers",
        title: "p99 µs (publish to receive) against subscribers",
        x_label: "subscribers",
        value: |f, _| f.p99_us,
    },
    Panel {
        curve: "sessions",
        title: "bytes per idle session",
        x_label: "sessions",
        value: |f, _| f.value,
    },
    Panel {
        curve: "sessions",
        title: "joins/s",
        x_label: "sessions",
        value: |f, _| {
            let v: Vec<f64> = f
                .runs
                .iter()
                .filter_map(|r| r.extra.get("joins_per_sec").and_then(|v| v.as_f64()))
                .collect();
            crate::measure::median(&v)
        },
    },
    Panel {
        curve: "payload",
        title: "MB/s of payload against payload size",
        x_label: "payload bytes",
        value: |f, x| f.value * x / 1e6,
    },
    Panel {
        curve: "payload",
        title: "p99 µs against payload size",
        x_label: "payload bytes",
        value: |f, _| f.p99_us,
    },
];

/// The decades that hold every value (at least one).
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.log10().floor(), hi.log10().ceil());
    (lo, if hi > lo { hi } else { lo + 1.0 })
}

/// A decade's label: 1, 10, 100, 1k, 10k... (exact: ticks fall on powers of ten).
fn tick(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.0}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The curves as an SVG image; `None` without any scaling figure.
pub fn svg(report: &Report) -> Option<String> {
    report.section("scale").next()?;
    let mut body = String::new();
    for (i, panel) in PANELS.iter().enumerate() {
        let ox = (i % 2) as f64 * PANEL_W;
        let oy = (i / 2) as f64 * PANEL_H;
        let series = report.series(panel.curve);
        let points: Vec<Vec<(f64, f64)>> = series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .map(|(x, f)| (*x, (panel.value)(f, *x)))
                    .filter(|(_, y)| y.is_finite() && *y > 0.0)
                    .collect()
            })
            .collect();
        let (x0, x1) = decades(points.iter().flatten().map(|p| p.0));
        let (y0, y1) = decades(points.iter().flatten().map(|p| p.1));
        let px = |x: f64| ox + LEFT + (x.log10() - x0) / (x1 - x0) * PLOT_W;
        let py = |y: f64| oy + TOP + PLOT_H - (y.log10() - y0) / (y1 - y0) * PLOT_H;
        let _ = writeln!(
            body,
            r#"<text x="{:.0}" y="{:.0}" font-size="13" font-weight="bold">{}</text>"#,
            ox + LEFT,
            oy + 20.0,
            panel.title
        );
        for d in (x0 as i32)..=(x1 as i32) {
            let x = px(10f64.powi(d));
            let _ = writeln!(
                body,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#ddd"/><text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"##,
                oy + TOP,
                oy + TOP + PLOT_H,
                oy + TOP + PLOT_H + 13.0,
                tick(10f64.powi(d))
            );
        }
        for d in (y0 as i32)..=(y1 as i32) {
            let y = py(10f64.powi(d));
            let _ = writeln!(
                body,
                r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
                ox + LEFT,
                ox + LEFT + PLOT_W,
                ox + LEFT - 4.0,
                y + 3.0,
                tick(10f64.powi(d))
            );
        }
        let _ = writeln!(
            body,
            r#"<text x="{:.0}" y="{:.0}" font-size="10" text-anchor="middle">{} (log)</text>"#,
            ox + LEFT + PLOT_W / 2.0,
            oy + TOP + PLOT_H + 27.0,
            panel.x_label
        );
        for (j, (s, pts)) in series.iter().zip(&points).enumerate() {
            // The floor in grey, as in the main plot.
            let color = if s.name == "frame relay" {
                "#999999"
            } else {
                COLORS.get(j % COLORS.len()).copied().unwrap_or("#000000")
            };
            let line: Vec<String> = pts
                .iter()
                .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
                .collect();
            let _ = writeln!(
                body,
                r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
                line.join(" ")
            );
            for (x, y) in pts {
                let _ = writeln!(
                    body,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"/>"#,
                    px(*x),
                    py(*y)
                );
            }
            let _ = writeln!(
                body,
                r#"<text x="{:.0}" y="{:.0}" font-size="10" fill="{color}">{}</text>"#,
                ox + LEFT + 6.0,
                oy + TOP + 12.0 + 12.0 * j as f64,
                s.name
            );
        }
    }
    let height = PANELS.len().div_ceil(2) as f64 * PANEL_H + 10.0;
    Some(format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{height:.0}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
{body}</svg>
"#,
        2.0 * PANEL_W
    ))
}
