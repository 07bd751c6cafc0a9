//! How two schemas of one value differ: types, named types, fields and enums, judged by the
//! direction the value travels (what the caller sends, what it receives).

use serde_json::{Map, Value as Json};

use super::{whole, Differ, Direction, Severity};
use crate::types::{type_name, Field, Shape, Tagging, Ty, Variant, VariantPayload};

impl Differ<'_, '_> {
    pub(super) fn optional_schema(&mut self, o: Option<&Json>, n: Option<&Json>, at: &str) {
        match (o, n) {
            (Some(o), Some(n)) => self.schema(o, n, Direction::Output, at),
            (Some(_), None) => self.push(
                Severity::Breaking,
                "payload-removed",
                at,
                "the payload is gone".into(),
            ),
            (None, Some(_)) => self.push(
                Severity::Compatible,
                "payload-added",
                at,
                "a payload is added".into(),
            ),
            (None, None) => {}
        }
    }

    /// Compares two schemas by their types; if that finds nothing, by their whole JSON, so
    /// no change goes unreported.
    pub(super) fn schema(&mut self, o: &Json, n: &Json, flow: Direction, at: &str) {
        let outer = std::mem::replace(&mut self.level_pushes, 0);
        let ot = self.old_types.ty(o, "Inline");
        let nt = self.new_types.ty(n, "Inline");
        self.ty(&ot, &nt, flow, at);
        if self.level_pushes == 0 {
            self.whole(o, n, at);
        }
        self.level_pushes = outer;
    }

    /// Reports a difference between two schemas' JSON that the typed comparison missed.
    fn whole(&mut self, o: &Json, n: &Json, at: &str) {
        if let Some(pointer) = whole::first_difference(&whole::canonical(o), &whole::canonical(n)) {
            self.push(
                Severity::Breaking,
                "schema-changed",
                at,
                format!("the schema changed at `{pointer}` in a way this diff does not classify; review it as breaking"),
            );
        }
    }

    pub(super) fn ty(&mut self, o: &Ty, n: &Ty, flow: Direction, at: &str) {
        match (o, n) {
            (Ty::Option(a), Ty::Option(b)) => self.ty(a, b, flow, at),
            (Ty::Option(a), b) => {
                self.push(
                    flow.narrowed(),
                    "null-removed",
                    at,
                    "no longer accepts null".into(),
                );
                self.ty(a, b, flow, at);
            }
            (a, Ty::Option(b)) => {
                self.push(flow.widened(), "null-added", at, "may now be null".into());
                self.ty(a, b, flow, at);
            }
            (Ty::Named(a), Ty::Named(b)) => self.named(a, b, flow, at),
            (Ty::List(a), Ty::List(b)) | (Ty::Map(a), Ty::Map(b)) => self.ty(a, b, flow, at),
            (Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.ty(x, y, flow, &format!("{at}[{i}]"));
                }
            }
            (Ty::Int(a), Ty::Int(b)) if a != b => {
                let (ra, rb) = (int_range(a), int_range(b));
                let severity = if rb.0 <= ra.0 && rb.1 >= ra.1 {
                    flow.widened()
                } else if rb.0 >= ra.0 && rb.1 <= ra.1 {
                    flow.narrowed()
                } else {
                    Severity::Breaking
                };
                self.push(
                    severity,
                    "type-changed",
                    at,
                    format!("integer {b} (was {a})"),
                );
            }
            (Ty::Int(_), Ty::Float(_)) => self.push(
                flow.widened(),
                "type-changed",
                at,
                "number (was integer)".into(),
            ),
            (Ty::Float(_), Ty::Int(_)) => self.push(
                flow.narrowed(),
                "type-changed",
                at,
                "integer (was number)".into(),
            ),
            (_, Ty::Any) if *o != Ty::Any => {
                self.push(flow.widened(), "type-changed", at, "now any value".into())
            }
            (Ty::Any, _) if *n != Ty::Any => self.push(
                flow.narrowed(),
                "type-changed",
                at,
                format!("now {} (was any value)", kind(n)),
            ),
            (a, b)
                if std::mem::discriminant(a) != std::mem::discriminant(b)
                    || matches!(a, Ty::Tuple(_)) =>
            {
                self.push(
                    Severity::Breaking,
                    "type-changed",
                    at,
                    format!("now {} (was {})", kind(b), kind(a)),
                );
            }
            _ => {}
        }
    }

    pub(super) fn named(&mut self, a: &str, b: &str, flow: Direction, at: &str) {
        let key = (a.to_owned(), b.to_owned(), flow == Direction::Input);
        if !self.visiting.insert(key) {
            return;
        }
        let od = self
            .old_types
            .named
            .iter()
            .find(|d| d.name == a)
            .map(|d| d.shape.clone());
        let nd = self
            .new_types
            .named
            .iter()
            .find(|d| d.name == b)
            .map(|d| d.shape.clone());
        let (Some(os), Some(ns)) = (od, nd) else {
            return;
        };
        // Only what this type itself reports counts against the whole-schema check of a type
        // that refers to it by `$ref` (the referenced type is checked on its own); a type
        // defined inline is part of its parent's schema, so what it reports counts there.
        let outer = std::mem::replace(&mut self.level_pushes, 0);
        self.shapes(a, b, &os, &ns, flow, at);
        let here = self.level_pushes;
        let find = |defs: &Map<String, Json>, name: &str| {
            defs.iter()
                .find(|(k, _)| type_name(k) == name)
                .map(|(_, v)| v.clone())
        };
        match (find(&self.old.defs, a), find(&self.new.defs, b)) {
            (Some(o), Some(n)) => {
                if here == 0 {
                    self.whole(&o, &n, at);
                }
                self.level_pushes = outer;
            }
            _ => self.level_pushes = outer + here,
        }
    }

    fn shapes(&mut self, a: &str, b: &str, os: &Shape, ns: &Shape, flow: Direction, at: &str) {
        match (os, ns) {
            (Shape::Struct(of), Shape::Struct(nf)) => self.fields(of, nf, flow, at),
            (Shape::UnitEnum(ov), Shape::UnitEnum(nv)) => {
                for v in ov.iter().filter(|v| !nv.contains(v)) {
                    self.push(
                        flow.narrowed(),
                        "enum-value-removed",
                        at,
                        format!("value `{v}` removed"),
                    );
                }
                for v in nv.iter().filter(|v| !ov.contains(v)) {
                    self.push(
                        flow.widened(),
                        "enum-value-added",
                        at,
                        format!("value `{v}` added"),
                    );
                }
            }
            (Shape::Enum(..), _) | (_, Shape::Enum(..)) => {
                let (Some((ot, ov)), Some((nt, nv))) = (as_enum(os), as_enum(ns)) else {
                    return self.push(
                        Severity::Breaking,
                        "type-changed",
                        at,
                        format!("`{b}` changed shape (was `{a}`)"),
                    );
                };
                if ot != nt {
                    return self.push(
                        Severity::Breaking,
                        "enum-representation-changed",
                        at,
                        format!("now {} (was {})", nt.describe(), ot.describe()),
                    );
                }
                self.variants(&ov, &nv, flow, at);
            }
            (Shape::Tuple(x), Shape::Tuple(y)) => {
                self.ty(&Ty::Tuple(x.clone()), &Ty::Tuple(y.clone()), flow, at)
            }
            (Shape::Alias(x), Shape::Alias(y)) => self.ty(x, y, flow, at),
            (Shape::Alias(x), _) => self.ty(x, &Ty::Named(b.to_owned()), flow, at),
            _ => self.push(
                Severity::Breaking,
                "type-changed",
                at,
                format!("`{b}` changed shape (was `{a}`)"),
            ),
        }
    }

    fn variants(&mut self, ov: &[Variant], nv: &[Variant], flow: Direction, at: &str) {
        for v in ov.iter().filter(|v| !nv.iter().any(|n| n.tag == v.tag)) {
            self.push(
                flow.narrowed(),
                "enum-value-removed",
                at,
                format!("variant `{}` removed", v.tag),
            );
        }
        for v in nv.iter().filter(|v| !ov.iter().any(|o| o.tag == v.tag)) {
            self.push(
                flow.widened(),
                "enum-value-added",
                at,
                format!("variant `{}` added", v.tag),
            );
        }
        for v in ov {
            let Some(w) = nv.iter().find(|w| w.tag == v.tag) else {
                continue;
            };
            let place = format!("{at}.{}", v.tag);
            match (&v.payload, &w.payload) {
                (VariantPayload::Unit, VariantPayload::Unit) => {}
                (VariantPayload::Newtype(x), VariantPayload::Newtype(y)) => {
                    self.ty(x, y, flow, &place)
                }
                (VariantPayload::Struct(x), VariantPayload::Struct(y)) => {
                    self.fields(x, y, flow, &place)
                }
                (VariantPayload::Tuple(x), VariantPayload::Tuple(y)) => {
                    self.ty(&Ty::Tuple(x.clone()), &Ty::Tuple(y.clone()), flow, &place)
                }
                _ => self.push(
                    Severity::Breaking,
                    "type-changed",
                    &place,
                    "the variant's payload changed shape".into(),
                ),
            }
        }
    }

    pub(super) fn fields(&mut self, of: &[Field], nf: &[Field], flow: Direction, at: &str) {
        for o in of {
            let place = format!("{at}.{}", o.key);
            match nf.iter().find(|n| n.key == o.key) {
                None => {
                    let severity = if flow == Direction::Output && o.required {
                        Severity::Breaking
                    } else {
                        Severity::Compatible
                    };
                    self.push(severity, "field-removed", &place, "field removed".into());
                }
                Some(n) => {
                    match (o.required, n.required) {
                        (false, true) => self.push(
                            flow.narrowed(),
                            "field-required",
                            &place,
                            "field is now required".into(),
                        ),
                        (true, false) => self.push(
                            flow.widened(),
                            "field-optional",
                            &place,
                            "field may now be absent".into(),
                        ),
                        _ => {}
                    }
                    self.ty(&o.ty, &n.ty, flow, &place);
                }
            }
        }
        for n in nf.iter().filter(|n| !of.iter().any(|o| o.key == n.key)) {
            let place = format!("{at}.{}", n.key);
            let severity = if flow == Direction::Input && n.required {
                Severity::Breaking
            } else {
                Severity::Compatible
            };
            let which = if n.required { "required" } else { "optional" };
            self.push(
                severity,
                "field-added",
                &place,
                format!("new {which} field"),
            );
        }
    }
}

/// A string enum as unit variants, so it compares with an enum that gains a payload.
fn as_enum(shape: &Shape) -> Option<(Tagging, Vec<Variant>)> {
    match shape {
        Shape::Enum(tagging, variants) => Some((tagging.clone(), variants.clone())),
        Shape::UnitEnum(values) => Some((
            Tagging::External,
            values
                .iter()
                .map(|tag| Variant {
                    tag: tag.clone(),
                    docs: String::new(),
                    payload: VariantPayload::Unit,
                })
                .collect(),
        )),
        _ => None,
    }
}

fn int_range(t: &str) -> (i128, i128) {
    match t {
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        "i128" | "u128" => (i128::MIN, i128::MAX),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

fn kind(t: &Ty) -> String {
    match t {
        Ty::Bool => "boolean".into(),
        Ty::Int(r) => format!("integer ({r})"),
        Ty::Float(_) => "number".into(),
        Ty::Str => "string".into(),
        Ty::Null => "null".into(),
        Ty::Any => "any value".into(),
        Ty::Option(inner) => format!("optional {}", kind(inner)),
        Ty::List(inner) => format!("list of {}", kind(inner)),
        Ty::Tuple(items) => format!("tuple of {}", items.len()),
        Ty::Map(inner) => format!("map of {}", kind(inner)),
        Ty::Named(n) => format!("`{n}`"),
    }
}
