//! The targets and how they are judged: each placement on its worst configuration, and
//! a target as met only where every placement meets it.

use serde::Serialize;

use crate::format::short;
use crate::spawn::Placement;

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
    pub(crate) fn gap(&self) -> String {
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

    pub(crate) fn status(&self) -> &'static str {
        match self.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        }
    }
}

/// A target judged over every placement: met only where every configuration meets it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// What is wanted.
    pub want: String,
    /// Met in every placement and configuration, missed in one, or not measured everywhere.
    pub met: Option<bool>,
    /// The worst figure and where it was measured.
    pub worst: String,
}

/// Each target over every placement, in the order first judged: met only where it is met in
/// every placement (each placement already judged on its worst configuration).
pub(crate) fn verdicts(targets: &[Target]) -> Vec<Verdict> {
    let mut out: Vec<(Verdict, f64)> = Vec::new();
    for t in targets {
        let worst = format!("{} ({})", short(t.measured), t.placement.label());
        match out.iter_mut().find(|(v, _)| v.want == t.want) {
            Some((v, value)) => {
                let worse = if t.at_least {
                    t.measured < *value
                } else {
                    t.measured > *value
                };
                if worse {
                    v.worst = worst;
                    *value = t.measured;
                }
                v.met = match (v.met, t.met) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
            }
            None => out.push((
                Verdict {
                    want: t.want.clone(),
                    met: t.met,
                    worst,
                },
                t.measured,
            )),
        }
    }
    out.into_iter().map(|(v, _)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A target met on one placement and missed on the other is missed.
    #[test]
    fn a_target_is_met_only_where_every_configuration_meets_it() {
        let one = Target {
            want: "x".into(),
            placement: Placement::OneCore,
            measured: 0.9,
            bound: 0.8,
            at_least: true,
            met: Some(true),
            detail: String::new(),
        };
        let other = Target {
            placement: Placement::Unpinned,
            measured: 0.7,
            met: Some(false),
            ..one.clone()
        };
        let v = verdicts(&[one.clone(), other]);
        assert!(
            matches!(v.as_slice(), [v] if v.met == Some(false) && v.worst.starts_with("0.700")),
            "{v:?}"
        );
        let better = Target {
            placement: Placement::Unpinned,
            measured: 1.2,
            ..one.clone()
        };
        let both = verdicts(&[better, one]);
        assert!(
            matches!(both.as_slice(), [v] if v.met == Some(true) && v.worst.starts_with("0.900")),
            "the worst figure is named even when every placement meets the bound: {both:?}"
        );
    }
}
