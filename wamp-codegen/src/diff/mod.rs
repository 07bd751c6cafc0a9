//! What changed between two versions of a description, each change classified as breaking (an
//! existing caller, subscriber or generated client stops working) or compatible.
//!
//! Types are compared by direction. What callers send (arguments) may accept more than before
//! but not less; what they receive (results, progress items, error payloads, events) may
//! promise more than before but not less. So a new optional argument is compatible and a new
//! required one breaking; a field added to a result is compatible, one removed breaking; a new
//! enum value is compatible in an argument and breaking in a result.

use std::collections::BTreeSet;
use std::fmt;

use wamp_core::describe::{Document, ProcedureDescription, ServiceDescription, TopicDescription};

use crate::api::{params, Param, ParamKind};
use crate::types::Types;

mod captures;
mod schema;
mod whole;

/// Whether a change breaks existing peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Existing callers, subscribers or generated clients stop working.
    Breaking,
    /// Existing peers keep working.
    Compatible,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking or compatible.
    pub severity: Severity,
    /// What kind of change, as a stable code (`procedure-removed`, `argument-added`...).
    pub kind: &'static str,
    /// Where: the URI, then the path inside it.
    pub location: String,
    /// What changed, in words.
    pub message: String,
}

/// Every change between two documents.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The changes, breaking ones first.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.severity == Severity::Breaking)
    }

    /// The kinds of the changes, in order (for tests and scripts).
    pub fn kinds(&self) -> Vec<(Severity, &'static str)> {
        self.changes.iter().map(|c| (c.severity, c.kind)).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "no changes");
        }
        for c in &self.changes {
            let tag = match c.severity {
                Severity::Breaking => "BREAKING  ",
                Severity::Compatible => "compatible",
            };
            writeln!(f, "{tag} {} [{}]: {}", c.location, c.kind, c.message)?;
        }
        let breaking = self
            .changes
            .iter()
            .filter(|c| c.severity == Severity::Breaking)
            .count();
        writeln!(f, "{} change(s), {breaking} breaking", self.changes.len())
    }
}

/// Which way values flow: sent by callers, or received by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Input,
    Output,
}

impl Direction {
    /// The severity of a change that widens what the type accepts.
    fn widened(self) -> Severity {
        match self {
            Direction::Input => Severity::Compatible,
            Direction::Output => Severity::Breaking,
        }
    }

    /// The severity of a change that narrows what the type accepts.
    fn narrowed(self) -> Severity {
        match self {
            Direction::Input => Severity::Breaking,
            Direction::Output => Severity::Compatible,
        }
    }
}

/// Compares two documents service by service (matched by prefix).
pub fn diff(old: &Document, new: &Document) -> Report {
    let mut report = Report::default();
    for o in &old.services {
        match new.service(&o.prefix) {
            Some(n) => Differ::new(o, n, &mut report).services(),
            None => report.changes.push(Change {
                severity: Severity::Breaking,
                kind: "service-removed",
                location: o.prefix.clone(),
                message: format!("the service {} is gone", o.name),
            }),
        }
    }
    for n in &new.services {
        if old.service(&n.prefix).is_none() {
            report.changes.push(Change {
                severity: Severity::Compatible,
                kind: "service-added",
                location: n.prefix.clone(),
                message: format!("new service {}", n.name),
            });
        }
    }
    report.changes.sort_by_key(|c| c.severity);
    report
}

struct Differ<'a, 'r> {
    old: &'a ServiceDescription,
    new: &'a ServiceDescription,
    old_types: Types<'a>,
    new_types: Types<'a>,
    report: &'r mut Report,
    /// Named type pairs being compared (a recursive type is compared once).
    visiting: BTreeSet<(String, String, bool)>,
    /// Changes reported at the schema or named type being compared now, not counting those
    /// inside the named types it refers to (which are compared, and counted, on their own).
    level_pushes: usize,
}

impl<'a, 'r> Differ<'a, 'r> {
    fn new(
        old: &'a ServiceDescription,
        new: &'a ServiceDescription,
        report: &'r mut Report,
    ) -> Self {
        Self {
            old,
            new,
            old_types: Types::new(&old.defs),
            new_types: Types::new(&new.defs),
            report,
            visiting: BTreeSet::new(),
            level_pushes: 0,
        }
    }

    fn push(&mut self, severity: Severity, kind: &'static str, location: &str, message: String) {
        self.level_pushes += 1;
        self.report.changes.push(Change {
            severity,
            kind,
            location: location.to_owned(),
            message,
        });
    }

    fn services(mut self) {
        for o in &self.old.procedures {
            match self
                .new
                .procedures
                .iter()
                .find(|n| captures::same_uri(o, n))
            {
                Some(n) => self.procedure(o, n),
                // Removing what was deprecated is what the deprecation announced.
                None if o.deprecated.is_some() => self.push(
                    Severity::Compatible,
                    "deprecated-procedure-removed",
                    &o.uri,
                    format!("the deprecated procedure `{}` is gone", o.name),
                ),
                None => self.push(
                    Severity::Breaking,
                    "procedure-removed",
                    &o.uri,
                    format!("the procedure `{}` is gone", o.name),
                ),
            }
        }
        for n in &self.new.procedures {
            if !self.old.procedures.iter().any(|o| captures::same_uri(o, n)) {
                self.push(
                    Severity::Compatible,
                    "procedure-added",
                    &n.uri,
                    format!("new procedure `{}`", n.name),
                );
            }
        }
        for o in &self.old.topics {
            match self.new.topics.iter().find(|n| n.uri == o.uri) {
                Some(n) => self.topic(o, n),
                None if o.deprecated.is_some() => self.push(
                    Severity::Compatible,
                    "deprecated-topic-removed",
                    &o.uri,
                    format!("the deprecated event `{}` is no longer declared", o.name),
                ),
                None => self.push(
                    Severity::Breaking,
                    "topic-removed",
                    &o.uri,
                    format!("the event `{}` is no longer declared", o.name),
                ),
            }
        }
        for n in &self.new.topics {
            if !self.old.topics.iter().any(|o| o.uri == n.uri) {
                self.push(
                    Severity::Compatible,
                    "topic-added",
                    &n.uri,
                    format!("new event `{}`", n.name),
                );
            }
        }
    }

    fn procedure(&mut self, o: &ProcedureDescription, n: &ProcedureDescription) {
        let at = o.uri.as_str();
        self.deprecation(at, o.deprecated.as_deref(), n.deprecated.as_deref());
        if o.name != n.name {
            self.push(
                Severity::Compatible,
                "method-renamed",
                at,
                format!("the method is now `{}` (was `{}`); the wire is unchanged, generated code is renamed", n.name, o.name),
            );
        }
        if o.match_policy != n.match_policy {
            self.push(
                Severity::Breaking,
                "match-changed",
                at,
                format!(
                    "registered with {} match (was {})",
                    n.match_policy.name(),
                    o.match_policy.name()
                ),
            );
        }
        if o.invoke != n.invoke {
            self.push(
                Severity::Compatible,
                "invoke-changed",
                at,
                format!(
                    "invocation policy {} (was {})",
                    n.invoke.name(),
                    o.invoke.name()
                ),
            );
        }
        if o.encrypted != n.encrypted {
            let what = if n.encrypted {
                "is now end-to-end encrypted: callers without a key are refused"
            } else {
                "is no longer end-to-end encrypted: encrypted callers refuse its results in the clear"
            };
            self.push(Severity::Breaking, "encryption-changed", at, what.into());
        }
        match (o.idempotent, n.idempotent) {
            (false, true) => self.push(
                Severity::Compatible,
                "idempotent",
                at,
                "is now idempotent: clients may retry it".into(),
            ),
            (true, false) => self.push(
                Severity::Breaking,
                "idempotent-removed",
                at,
                "is no longer idempotent, but clients built for it may still retry it".into(),
            ),
            _ => {}
        }
        if o.timeout_ms != n.timeout_ms {
            self.push(
                Severity::Compatible,
                "timeout-changed",
                at,
                format!("timeout {:?} ms (was {:?} ms)", n.timeout_ms, o.timeout_ms),
            );
        }
        match (&o.input, &n.input) {
            (None, None) => self.arguments(o, n),
            (Some(os), Some(ns)) => self.schema(os, ns, Direction::Input, &format!("{at} input")),
            (_, now) => self.push(
                Severity::Breaking,
                "input-changed",
                at,
                if now.is_some() {
                    "now takes a stream of items in place of its parameters".into()
                } else {
                    "no longer takes a stream of items".into()
                },
            ),
        }
        match (&o.progress, &n.progress) {
            (Some(_), None) => self.push(
                Severity::Breaking,
                "progress-removed",
                at,
                "no longer sends progressive results".into(),
            ),
            (None, Some(_)) => self.push(
                Severity::Breaking,
                "progress-added",
                at,
                "now answers with progressive results (its result becomes a list)".into(),
            ),
            (Some(os), Some(ns)) => {
                self.schema(os, ns, Direction::Output, &format!("{at} progress"));
            }
            (None, None) => {}
        }
        match (&o.result, &n.result) {
            (Some(_), None) if n.progress.is_none() => self.push(
                Severity::Breaking,
                "result-removed",
                at,
                "no longer answers a result".into(),
            ),
            (None, Some(_)) if o.progress.is_none() => self.push(
                Severity::Compatible,
                "result-added",
                at,
                "now answers a result (callers that expected none ignore it)".into(),
            ),
            (Some(os), Some(ns)) => self.schema(os, ns, Direction::Output, &format!("{at} result")),
            _ => {}
        }
        self.errors(o, n);
    }

    fn arguments(&mut self, o: &ProcedureDescription, n: &ProcedureDescription) {
        let at = o.uri.as_str();
        let old_params = params(&mut self.old_types, o);
        let new_params = params(&mut self.new_types, n);
        self.captures(o, n, &old_params, &new_params);
        for (i, op) in old_params.iter().enumerate() {
            // Captures are matched by their place in the URI (above), not by name.
            if op.kind == ParamKind::Capture {
                continue;
            }
            let Some((j, np)) = new_params
                .iter()
                .enumerate()
                .find(|(_, np)| np.name == op.name)
            else {
                let (severity, note) = match op.kind {
                    ParamKind::Positional => {
                        (Severity::Breaking, "callers that pass it are refused")
                    }
                    _ => (
                        Severity::Compatible,
                        "a keyword callers still send is ignored",
                    ),
                };
                self.push(
                    severity,
                    "argument-removed",
                    at,
                    format!("argument `{}` removed: {note}", op.name),
                );
                continue;
            };
            if op.kind != np.kind {
                self.push(
                    Severity::Breaking,
                    "argument-moved",
                    at,
                    format!(
                        "argument `{}` is now {:?} (was {:?})",
                        op.name, np.kind, op.kind
                    ),
                );
            } else if op.kind == ParamKind::Positional
                && position(&old_params, i) != position(&new_params, j)
            {
                self.push(
                    Severity::Breaking,
                    "argument-moved",
                    at,
                    format!(
                        "argument `{}` moved to position {}",
                        op.name,
                        position(&new_params, j)
                    ),
                );
            }
            match (op.required, np.required) {
                (false, true) => self.push(
                    Severity::Breaking,
                    "argument-required",
                    at,
                    format!("argument `{}` is now required", op.name),
                ),
                (true, false) => self.push(
                    Severity::Compatible,
                    "argument-optional",
                    at,
                    format!("argument `{}` may now be left out", op.name),
                ),
                _ => {}
            }
            let (os, ns) = (op.schema.clone(), np.schema.clone());
            self.schema(
                &os,
                &ns,
                Direction::Input,
                &format!("{at} argument `{}`", op.name),
            );
        }
        for np in new_params.iter().filter(|np| np.kind != ParamKind::Capture) {
            if !old_params.iter().any(|op| op.name == np.name) {
                if np.required {
                    self.push(
                        Severity::Breaking,
                        "argument-added",
                        at,
                        format!("new required argument `{}`", np.name),
                    );
                } else {
                    self.push(
                        Severity::Compatible,
                        "argument-added",
                        at,
                        format!("new optional argument `{}`", np.name),
                    );
                }
            }
        }
    }

    fn errors(&mut self, o: &ProcedureDescription, n: &ProcedureDescription) {
        let at = o.uri.as_str();
        let variants = |s: &'a ServiceDescription, p: &ProcedureDescription| {
            p.error
                .as_deref()
                .and_then(|name| s.error_type(name))
                .map(|e| e.variants.clone())
                .unwrap_or_default()
        };
        let old_variants = variants(self.old, o);
        let new_variants = variants(self.new, n);
        for ov in &old_variants {
            match new_variants.iter().find(|nv| nv.uri == ov.uri) {
                None => self.push(
                    Severity::Breaking,
                    "error-removed",
                    at,
                    format!(
                        "error `{}` is no longer declared (generated clients lose the variant)",
                        ov.uri
                    ),
                ),
                Some(nv) => {
                    let place = format!("{at} error `{}`", ov.uri);
                    self.optional_schema(
                        ov.args.as_ref(),
                        nv.args.as_ref(),
                        &format!("{place} args"),
                    );
                    self.optional_schema(
                        ov.kwargs.as_ref(),
                        nv.kwargs.as_ref(),
                        &format!("{place} kwargs"),
                    );
                }
            }
        }
        for nv in &new_variants {
            if !old_variants.iter().any(|ov| ov.uri == nv.uri) {
                self.push(
                    Severity::Compatible,
                    "error-added",
                    at,
                    format!(
                        "new error `{}` (older clients see it as an undeclared error)",
                        nv.uri
                    ),
                );
            }
        }
    }

    /// A deprecation added or lifted: compatible either way (the wire is unchanged).
    fn deprecation(&mut self, at: &str, old: Option<&str>, new: Option<&str>) {
        match (old, new) {
            (None, Some(note)) => self.push(
                Severity::Compatible,
                "deprecated",
                at,
                if note.is_empty() {
                    "now deprecated".into()
                } else {
                    format!("now deprecated: {note}")
                },
            ),
            (Some(_), None) => self.push(
                Severity::Compatible,
                "undeprecated",
                at,
                "no longer deprecated".into(),
            ),
            _ => {}
        }
    }

    fn topic(&mut self, o: &TopicDescription, n: &TopicDescription) {
        let at = o.uri.as_str();
        self.deprecation(at, o.deprecated.as_deref(), n.deprecated.as_deref());
        if o.encrypted != n.encrypted {
            self.push(
                Severity::Breaking,
                "encryption-changed",
                at,
                format!(
                    "events {} end-to-end encrypted",
                    if n.encrypted {
                        "are now"
                    } else {
                        "are no longer"
                    }
                ),
            );
        }
        if o.payload != n.payload {
            self.push(
                Severity::Breaking,
                "event-payload-moved",
                at,
                format!(
                    "the payload now travels as {:?} (was {:?})",
                    n.payload, o.payload
                ),
            );
            return;
        }
        self.optional_schema(o.args.as_ref(), n.args.as_ref(), &format!("{at} args"));
        self.optional_schema(
            o.kwargs.as_ref(),
            n.kwargs.as_ref(),
            &format!("{at} kwargs"),
        );
    }
}

/// The position of the `i`th parameter among the positional ones.
fn position(params: &[Param], i: usize) -> usize {
    params
        .iter()
        .take(i)
        .filter(|p| p.kind == ParamKind::Positional)
        .count()
}
