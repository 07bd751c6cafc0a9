//! The plot: one SVG with three panels — the targets (measured over bound), RPC and pub/sub
//! rates on a log scale beside the floor, and the clients against Crossbar.

use std::fmt::Write as _;

use crate::format::{human, text};
use crate::report::{Figure, Report};
use crate::spawn::Placement;

const WIDTH: f64 = 980.0;
const LABEL: f64 = 400.0;
const BAR: f64 = 440.0;
const ROW: f64 = 15.0;

struct Canvas {
    body: String,
    y: f64,
}

impl Canvas {
    fn title(&mut self, text: &str) {
        self.y += 28.0;
        let _ = writeln!(
            self.body,
            r#"<text x="10" y="{:.0}" font-size="15" font-weight="bold">{}</text>"#,
            self.y,
            escape(text)
        );
        self.y += 8.0;
    }

    fn note(&mut self, text: &str) {
        self.y += 14.0;
        let _ = writeln!(
            self.body,
            r##"<text x="10" y="{:.0}" font-size="11" fill="#555">{}</text>"##,
            self.y,
            escape(text)
        );
    }

    fn row(&mut self, label: &str, fraction: f64, color: &str, value: &str) {
        self.y += ROW;
        let w = (fraction.clamp(0.0, 1.0) * BAR).max(1.0);
        let _ = writeln!(
            self.body,
            r#"<text x="{:.0}" y="{:.0}" font-size="11" text-anchor="end">{}</text><rect x="{:.0}" y="{:.0}" width="{w:.1}" height="{:.0}" fill="{color}"/><text x="{:.0}" y="{:.0}" font-size="11">{}</text>"#,
            LABEL - 6.0,
            self.y,
            escape(label),
            LABEL,
            self.y - 10.0,
            ROW - 4.0,
            LABEL + w + 4.0,
            self.y,
            escape(value)
        );
    }

    fn vline(&mut self, fraction: f64, top: f64, label: &str) {
        let x = LABEL + fraction * BAR;
        let _ = writeln!(
            self.body,
            r##"<line x1="{x:.1}" y1="{top:.0}" x2="{x:.1}" y2="{:.0}" stroke="#333" stroke-dasharray="4,3"/><text x="{:.1}" y="{:.0}" font-size="10" text-anchor="middle">{}</text>"##,
            self.y + 4.0,
            x,
            top - 2.0,
            escape(label)
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Log scale from 100/s to 10M/s.
fn log_fraction(v: f64) -> f64 {
    if v <= 100.0 {
        0.0
    } else {
        (v / 100.0).log10() / 5.0
    }
}

fn color(f: &Figure) -> &'static str {
    match (f.section.as_str(), f.placement) {
        ("floor", _) => "#999999",
        (_, Placement::OneCore) => "#2b6cb0",
        (_, Placement::Unpinned) => "#63b3ed",
    }
}

fn label(f: &Figure) -> String {
    let params: Vec<String> = f
        .params
        .iter()
        .map(|(k, v)| match v {
            // A string names itself (a transport, a client); a number needs its key.
            serde_json::Value::String(_) => text(v),
            _ => format!("{k} {}", text(v)),
        })
        .collect();
    format!(
        "{} · {} · {}",
        f.name,
        params.join(" · "),
        f.placement.label()
    )
}

/// The report as an SVG image.
pub fn svg(report: &Report) -> String {
    let mut c = Canvas {
        body: String::new(),
        y: 0.0,
    };
    c.title("Targets: measured ÷ bound (at least: ≥ 1 meets; at most: ≤ 1 meets)");
    let top = c.y + 4.0;
    for t in &report.targets {
        let r = if t.bound > 0.0 {
            t.measured / t.bound
        } else {
            0.0
        };
        let met = t.met == Some(true);
        // Ratios keep their decimals (15.59 is not 16); byte counts read better grouped.
        let value = if t.measured < 10.0 {
            format!("{:.3}", t.measured)
        } else if t.measured < 1000.0 {
            format!("{:.1}", t.measured)
        } else {
            human(t.measured)
        };
        let text = format!("{value} ({})", if met { "met" } else { "missed" });
        let want: String = t.want.chars().take(62).collect();
        c.row(
            &format!("{want} · {}", t.placement.label()),
            r / 3.0,
            if met { "#38a169" } else { "#e53e3e" },
            &text,
        );
    }
    c.vline(1.0 / 3.0, top, "bound");
    c.note("Bars are drawn to 3 × the bound.");

    c.title("Rates through wamp-router and the floor (log scale, 100/s to 10M/s)");
    for section in ["floor", "rpc", "pubsub"] {
        for f in report
            .figures
            .iter()
            .filter(|f| f.section == section && f.error.is_none())
        {
            c.row(
                &label(f),
                log_fraction(f.value),
                color(f),
                &format!("{} {}", human(f.value), f.unit),
            );
        }
    }
    c.title("Clients against Crossbar.io and wamp-router (log scale)");
    for f in report
        .figures
        .iter()
        .filter(|f| f.section == "peers" && f.error.is_none())
    {
        c.row(
            &label(f),
            log_fraction(f.value),
            color(f),
            &format!(
                "{} {} · CPU {:.0} µs/op",
                human(f.value),
                f.unit,
                f.cpu_us_per_op
            ),
        );
    }
    c.title("Routers, same client (log scale)");
    for f in report
        .figures
        .iter()
        .filter(|f| f.section == "routers" && f.error.is_none())
    {
        c.row(
            &label(f),
            log_fraction(f.value),
            color(f),
            &format!("{} {}", human(f.value), f.unit),
        );
    }
    c.y += 20.0;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{:.0}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
{}</svg>
"#,
        c.y, c.body
    )
}
