//! Typed URI captures in a diff. A procedure is the same procedure while it registers the same
//! pattern: `com.app.user.{id}` renamed to `com.app.user.{user}` changes the generated
//! parameter's name, not the wire. Captures are matched by their place in the URI.

use wamp_core::describe::ProcedureDescription;
use wamp_core::uri::{capture_pattern, captures};

use super::{Differ, Direction, Severity};
use crate::api::{Param, ParamKind};

/// Whether two procedures register the same URI (or pattern).
pub(super) fn same_uri(o: &ProcedureDescription, n: &ProcedureDescription) -> bool {
    o.uri == n.uri || capture_pattern(&o.uri) == capture_pattern(&n.uri)
}

impl Differ<'_, '_> {
    /// Compares the captures of two versions of a procedure, component by component.
    pub(super) fn captures(
        &mut self,
        o: &ProcedureDescription,
        n: &ProcedureDescription,
        old_params: &[Param],
        new_params: &[Param],
    ) {
        let at = o.uri.as_str();
        let capture = |params: &[Param], name: &str| {
            params
                .iter()
                .find(|p| p.kind == ParamKind::Capture && p.name == name)
                .map(|p| p.schema.clone())
        };
        for (index, old_name) in captures(&o.uri) {
            match captures(&n.uri).find(|(i, _)| *i == index) {
                Some((_, new_name)) => {
                    if new_name != old_name {
                        self.push(
                            Severity::Compatible,
                            "capture-renamed",
                            at,
                            format!("the capture `{{{old_name}}}` is now `{{{new_name}}}`: the wire is unchanged, generated code is renamed"),
                        );
                    }
                    if let (Some(os), Some(ns)) =
                        (capture(old_params, old_name), capture(new_params, new_name))
                    {
                        self.schema(&os, &ns, Direction::Input, &format!("{at} capture `{old_name}`"));
                    }
                }
                None => self.push(
                    Severity::Breaking,
                    "capture-removed",
                    at,
                    format!("the capture `{{{old_name}}}` is gone: generated clients no longer fill in that component"),
                ),
            }
        }
        for (index, new_name) in captures(&n.uri) {
            if !captures(&o.uri).any(|(i, _)| i == index) {
                self.push(
                    Severity::Breaking,
                    "capture-added",
                    at,
                    format!("new capture `{{{new_name}}}`: callers that named the procedure themselves must fill it in"),
                );
            }
        }
    }
}
