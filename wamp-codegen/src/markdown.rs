//! A Markdown API reference of a description: procedures with their arguments, results and
//! errors, topics with their payloads, error URIs, and the named types.

use std::fmt::Write as _;

use wamp_core::describe::Document;
use wamp_core::message::{CancelMode, InvokePolicy};
use wamp_core::MatchPolicy;

use crate::api::{Api, EventType, ParamKind};
use crate::types::{Field, Shape, Tagging, Ty, Variant, VariantPayload};

/// The reference of every service of `document`.
pub fn render(document: &Document) -> String {
    let mut out = String::new();
    for service in &document.services {
        let api = Api::new(service);
        render_service(&mut out, &api);
    }
    out
}

fn render_service(out: &mut String, api: &Api<'_>) {
    let s = api.service;
    let _ = writeln!(out, "# {} (`{}`)\n", s.name, s.prefix);
    paragraph(out, &s.docs);
    let _ = writeln!(
        out,
        "The service answers its own description at `{}`.\n",
        s.describe_uri()
    );
    let _ = writeln!(out, "## Procedures\n");
    for p in &api.procedures {
        let d = p.desc;
        let _ = writeln!(out, "### `{}`\n", d.uri);
        paragraph(out, &d.docs);
        let mut facts = vec![format!("method `{}`", d.name)];
        match d.deprecated.as_deref() {
            Some("") => facts.push("**deprecated**".into()),
            Some(note) => facts.push(format!("**deprecated**: {note}")),
            None => {}
        }
        let pattern = wamp_core::uri::capture_pattern(&d.uri);
        if pattern != d.uri {
            facts.push(format!(
                "each `{{name}}` component is filled in from its argument (registered as the wildcard pattern `{pattern}`)"
            ));
        } else if d.match_policy != MatchPolicy::Exact {
            facts.push(format!(
                "{} match: call any URI the pattern covers",
                d.match_policy.name()
            ));
        }
        if d.invoke != InvokePolicy::Single {
            facts.push(format!("shared registration ({})", d.invoke.name()));
        }
        if let Some(ms) = d.timeout_ms {
            facts.push(format!("times out after {ms} ms"));
        }
        if d.disclose_caller {
            facts.push("asks for the caller's identity".into());
        }
        if d.encrypted {
            facts.push("end-to-end encrypted (WAMP-cryptobox): callers need a key".into());
        }
        if d.idempotent {
            facts.push("idempotent: a call may be retried".into());
        }
        if d.cancel != CancelMode::Kill {
            facts.push(format!("cancel mode {}", d.cancel.name()));
        }
        let _ = writeln!(out, "{}.\n", capitalize(&facts.join("; ")));
        if p.params.is_empty() {
            out.push_str("No arguments.\n\n");
        } else {
            out.push_str("| argument | passed as | type | required |\n|---|---|---|---|\n");
            let mut position = 0;
            for param in &p.params {
                let passed = match param.kind {
                    ParamKind::Positional => {
                        position += 1;
                        format!("`args[{}]`", position - 1)
                    }
                    ParamKind::Keyword => format!("`kwargs.{}`", param.name),
                    ParamKind::Kwargs => "the whole `kwargs`".into(),
                    ParamKind::Capture => format!("the URI's `{{{}}}` component", param.name),
                    ParamKind::Input => {
                        "each positional argument of each CALL: a stream, sent as progressive call invocations".into()
                    }
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {passed} | {} | {} |",
                    param.name,
                    ty(&param.ty),
                    yes_no(param.required)
                );
            }
            out.push('\n');
        }
        match (&p.progress, &p.result) {
            (Some(item), _) => {
                let _ = writeln!(
                    out,
                    "**Progressive results:** one {} per progressive RESULT, then an empty final RESULT (a caller that does not ask for progress gets them all as one list).\n",
                    ty(item)
                );
            }
            (None, Some(result)) => {
                let _ = writeln!(out, "**Result:** {} as `args[0]`.\n", ty(result));
            }
            (None, None) => out.push_str("**Result:** none.\n\n"),
        }
        if let Some(error) = api.error_of(p) {
            let uris: Vec<String> = error
                .variants
                .iter()
                .map(|v| format!("`{}`", v.uri))
                .collect();
            let _ = writeln!(
                out,
                "**Errors:** [{}](#{}): {}.\n",
                error.name,
                anchor(&error.name),
                uris.join(", ")
            );
        }
    }
    if !api.topics.is_empty() {
        out.push_str("## Topics\n\n");
        for t in &api.topics {
            let _ = writeln!(out, "### `{}`\n", t.uri);
            paragraph(out, &t.docs);
            match t.deprecated.as_deref() {
                Some("") => out.push_str("**Deprecated.**\n\n"),
                Some(note) => {
                    let _ = writeln!(out, "**Deprecated:** {note}\n");
                }
                None => {}
            }
            if t.encrypted {
                out.push_str("End-to-end encrypted (WAMP-cryptobox): publishers and subscribers need a key.\n\n");
            }
            match &t.event {
                EventType::Named(name, kind) => {
                    let how = match kind {
                        wamp_core::describe::PayloadKind::Kwargs => "`kwargs`",
                        _ => "`args[0]`",
                    };
                    let _ = writeln!(out, "Payload: [{name}](#{}) as {how}.\n", anchor(name));
                }
                EventType::Fields(_, fields) => {
                    out.push_str("Payload, positional:\n\n");
                    fields_table(out, fields, true);
                }
            }
        }
    }
    if !api.errors.is_empty() {
        out.push_str("## Errors\n\n");
        for e in &api.errors {
            let _ = writeln!(out, "### {}\n", e.name);
            paragraph(out, &e.docs);
            out.push_str("| URI | variant | payload | meaning |\n|---|---|---|---|\n");
            for v in &e.variants {
                let payload = if !v.kwargs.is_empty() {
                    let fields: Vec<String> = v
                        .kwargs
                        .iter()
                        .map(|f| format!("`{}`: {}", f.key, ty(&f.ty)))
                        .collect();
                    format!("kwargs {{{}}}", fields.join(", "))
                } else if !v.args.is_empty() {
                    let items: Vec<String> = v.args.iter().map(ty).collect();
                    format!("args [{}]", items.join(", "))
                } else {
                    "none".into()
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {payload} | {} |",
                    v.uri,
                    v.name,
                    one_line(&v.docs)
                );
            }
            out.push('\n');
        }
    }
    if !api.types.named.is_empty() {
        out.push_str("## Types\n\n");
        for def in &api.types.named {
            let _ = writeln!(out, "### {}\n", def.name);
            paragraph(out, &def.docs);
            match &def.shape {
                Shape::Struct(fields) => fields_table(out, fields, false),
                Shape::Tuple(items) => {
                    let items: Vec<String> = items.iter().map(ty).collect();
                    let _ = writeln!(out, "A list: [{}].\n", items.join(", "));
                }
                Shape::UnitEnum(values) => {
                    let values: Vec<String> = values.iter().map(|v| format!("`\"{v}\"`")).collect();
                    let _ = writeln!(out, "One of {}.\n", values.join(", "));
                }
                Shape::Enum(tagging, variants) => {
                    let _ = writeln!(out, "One of ({}):\n", tagging.describe());
                    for v in variants {
                        let _ = writeln!(out, "- {}{}", variant_shape(tagging, v), suffix(&v.docs));
                    }
                    out.push('\n');
                }
                Shape::Alias(t) => {
                    let _ = writeln!(out, "Same as {}.\n", ty(t));
                }
            }
        }
    }
}

/// How a variant looks on the wire, and what it holds.
fn variant_shape(tagging: &Tagging, v: &Variant) -> String {
    let holding = match &v.payload {
        VariantPayload::Unit => String::new(),
        VariantPayload::Newtype(t) => format!(" holding {}", ty(t)),
        VariantPayload::Tuple(items) => {
            let items: Vec<String> = items.iter().map(ty).collect();
            format!(" holding [{}]", items.join(", "))
        }
        VariantPayload::Struct(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("`{}`: {}", f.key, ty(&f.ty)))
                .collect();
            format!(" with {}", fields.join(", "))
        }
    };
    let unit = matches!(v.payload, VariantPayload::Unit);
    let wire = match tagging {
        Tagging::External if unit => format!("`\"{}\"`", v.tag),
        Tagging::External => format!("`{{\"{}\": …}}`", v.tag),
        Tagging::Internal { tag } if unit => format!("`{{\"{tag}\": \"{}\"}}`", v.tag),
        Tagging::Internal { tag } => format!("`{{\"{tag}\": \"{}\", …}}`", v.tag),
        Tagging::Adjacent { tag, .. } if unit => format!("`{{\"{tag}\": \"{}\"}}`", v.tag),
        Tagging::Adjacent { tag, content } => {
            format!("`{{\"{tag}\": \"{}\", \"{content}\": …}}`", v.tag)
        }
        Tagging::Untagged if unit => return "`null`".into(),
        Tagging::Untagged => match &v.payload {
            VariantPayload::Struct(_) => return format!("an object{holding}"),
            _ => return holding.trim_start_matches(" holding ").to_owned(),
        },
    };
    format!("{wire}{holding}")
}

fn fields_table(out: &mut String, fields: &[Field], positional: bool) {
    let head = if positional { "position" } else { "field" };
    let _ = writeln!(
        out,
        "| {head} | type | required | meaning |\n|---|---|---|---|"
    );
    for (i, f) in fields.iter().enumerate() {
        let name = if positional {
            format!("`args[{i}]` ({})", f.key)
        } else {
            format!("`{}`", f.key)
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            ty(&f.ty),
            yes_no(f.required),
            one_line(&f.docs)
        );
    }
    out.push('\n');
}

/// A type as readers of any language see it.
fn ty(t: &Ty) -> String {
    match t {
        Ty::Bool => "boolean".into(),
        Ty::Int(rust) => format!("integer ({rust})"),
        Ty::Float(rust) => format!("number ({rust})"),
        Ty::Str => "string".into(),
        Ty::Null => "null".into(),
        Ty::Any => "any JSON value".into(),
        Ty::Option(inner) => format!("{} or null", ty(inner)),
        Ty::List(inner) => format!("list of {}", ty(inner)),
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(ty).collect();
            format!("[{}]", items.join(", "))
        }
        Ty::Map(value) => format!("map of string to {}", ty(value)),
        Ty::Named(name) => format!("[{name}](#{})", anchor(name)),
    }
}

fn anchor(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn paragraph(out: &mut String, text: &str) {
    if !text.is_empty() {
        let _ = writeln!(out, "{text}\n");
    }
}

fn one_line(text: &str) -> String {
    text.lines()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn suffix(docs: &str) -> String {
    if docs.is_empty() {
        String::new()
    } else {
        format!(": {}", one_line(docs))
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
