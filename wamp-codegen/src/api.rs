//! One service read for generation: its types, and each procedure's parameters, result, progress
//! and errors, each error variant's payload and each topic's event type, as [`Ty`]s.

use serde_json::Value as Json;
use wamp_core::describe::{PayloadKind, ProcedureDescription, ServiceDescription};

use crate::types::{description, type_name, Field, Ty, Types};

/// How a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    Positional,
    Keyword,
    /// The whole keyword dictionary.
    Kwargs,
    /// A stream: every positional argument of every CALL of the call is one item.
    Input,
    /// A `{name}` component of the URI.
    Capture,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The name on the wire (the keyword, or the positional item's title).
    pub(crate) name: String,
    pub(crate) ty: Ty,
    /// The parameter's schema as the description gives it.
    pub(crate) schema: Json,
    pub(crate) kind: ParamKind,
    pub(crate) required: bool,
}

#[derive(Debug)]
pub(crate) struct Procedure<'a> {
    pub(crate) desc: &'a ProcedureDescription,
    pub(crate) params: Vec<Param>,
    pub(crate) result: Option<Ty>,
    pub(crate) progress: Option<Ty>,
}

#[derive(Debug)]
pub(crate) struct ErrorVariant {
    pub(crate) name: String,
    pub(crate) uri: String,
    pub(crate) docs: String,
    /// Positional payload (tuple fields).
    pub(crate) args: Vec<Ty>,
    /// Keyword payload (named fields).
    pub(crate) kwargs: Vec<Field>,
}

#[derive(Debug)]
pub(crate) struct ErrorType {
    pub(crate) name: String,
    pub(crate) docs: String,
    pub(crate) variants: Vec<ErrorVariant>,
}

/// A topic's event type.
#[derive(Debug)]
pub(crate) enum EventType {
    /// A named definition travelling as kwargs or as `args[0]`.
    Named(String, PayloadKind),
    /// Positional fields of a struct of its own (named when the items are titled).
    Fields(String, Vec<Field>),
}

#[derive(Debug)]
pub(crate) struct Topic {
    pub(crate) uri: String,
    pub(crate) docs: String,
    pub(crate) event: EventType,
    /// Whether events travel end-to-end encrypted.
    pub(crate) encrypted: bool,
    /// `#[deprecated]` on the event type: its note.
    pub(crate) deprecated: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Api<'a> {
    pub(crate) service: &'a ServiceDescription,
    pub(crate) types: Types<'a>,
    pub(crate) procedures: Vec<Procedure<'a>>,
    pub(crate) errors: Vec<ErrorType>,
    pub(crate) topics: Vec<Topic>,
}

impl<'a> Api<'a> {
    pub(crate) fn new(service: &'a ServiceDescription) -> Self {
        let mut types = Types::new(&service.defs);
        let procedures = service
            .procedures
            .iter()
            .map(|p| procedure(&mut types, p))
            .collect();
        let errors = service
            .errors
            .iter()
            .map(|e| ErrorType {
                name: type_name(&e.name),
                docs: e.docs.clone(),
                variants: e
                    .variants
                    .iter()
                    .map(|v| {
                        let hint = format!("{}{}", type_name(&e.name), type_name(&v.name));
                        ErrorVariant {
                            name: type_name(&v.name),
                            uri: v.uri.clone(),
                            docs: v.docs.clone(),
                            args: v
                                .args
                                .as_ref()
                                .map(|a| positional(&mut types, a, &hint))
                                .unwrap_or_default()
                                .into_iter()
                                .map(|f| f.ty)
                                .collect(),
                            kwargs: v
                                .kwargs
                                .as_ref()
                                .and_then(|k| k.as_object())
                                .map(|k| types.fields(k, &hint))
                                .unwrap_or_default(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let topics = service
            .topics
            .iter()
            .map(|t| {
                let name = type_name(&t.name);
                let event = match t.payload {
                    PayloadKind::Kwargs => {
                        let schema = t.kwargs.clone().unwrap_or(Json::Bool(true));
                        named_event(&mut types, &schema, &name, PayloadKind::Kwargs)
                    }
                    PayloadKind::Value => {
                        let schema = t
                            .args
                            .as_ref()
                            .and_then(|a| a.get("prefixItems"))
                            .and_then(|i| i.get(0))
                            .cloned()
                            .unwrap_or(Json::Bool(true));
                        named_event(&mut types, &schema, &name, PayloadKind::Value)
                    }
                    PayloadKind::Args => {
                        let schema = t.args.clone().unwrap_or(Json::Bool(true));
                        EventType::Fields(name.clone(), positional(&mut types, &schema, &name))
                    }
                };
                Topic {
                    uri: t.uri.clone(),
                    docs: t.docs.clone(),
                    event,
                    encrypted: t.encrypted,
                    deprecated: t.deprecated.clone(),
                }
            })
            .collect();
        Self {
            service,
            types,
            procedures,
            errors,
            topics,
        }
    }

    /// The error type a procedure declares.
    pub(crate) fn error_of(&self, procedure: &Procedure<'_>) -> Option<&ErrorType> {
        let name = type_name(procedure.desc.error.as_deref()?);
        self.errors.iter().find(|e| e.name == name)
    }
}

fn named_event(types: &mut Types<'_>, schema: &Json, name: &str, kind: PayloadKind) -> EventType {
    match types.ty(schema, name) {
        Ty::Named(n) => EventType::Named(n, kind),
        other => {
            // A payload that is not a named type gets a one-field wrapper.
            let field = Field {
                key: "value".into(),
                ty: other,
                required: true,
                docs: String::new(),
            };
            EventType::Fields(name.to_owned(), vec![field])
        }
    }
}

/// The items of an array schema as fields: keyed by their titles (`_0`, `_1`... when untitled),
/// required up to `minItems`.
pub(crate) fn positional(types: &mut Types<'_>, schema: &Json, hint: &str) -> Vec<Field> {
    let min = schema.get("minItems").and_then(Json::as_u64).unwrap_or(0);
    let items = schema
        .get("prefixItems")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = item
                .get("title")
                .and_then(Json::as_str)
                .map_or_else(|| format!("_{i}"), str::to_owned);
            Field {
                ty: types.ty(item, &format!("{hint}{}", type_name(&key))),
                required: (i as u64) < min,
                docs: description(item),
                key,
            }
        })
        .collect()
}

/// A procedure's parameters in order: the URI's captures, the positional ones (`args`), then
/// the keyword ones or the one that is the whole `kwargs` (a titled `kwargs` schema).
pub(crate) fn params(types: &mut Types<'_>, desc: &ProcedureDescription) -> Vec<Param> {
    let hint = type_name(&desc.name);
    let mut captures = match desc.captures.as_ref().and_then(Json::as_object) {
        Some(object) => properties(types, object, &hint, ParamKind::Capture),
        None => Vec::new(),
    };
    // In the URI's order.
    captures.sort_by_key(|c| desc.uri.find(&format!("{{{}}}", c.name)));
    if let Some(item) = &desc.input {
        let name = item.get("title").and_then(Json::as_str).unwrap_or("items");
        return vec![Param {
            name: name.to_owned(),
            ty: types.ty(item, &format!("{hint}Input")),
            schema: item.clone(),
            kind: ParamKind::Input,
            required: true,
        }];
    }
    let items = desc
        .args
        .get("prefixItems")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let mut params = captures;
    params.extend(
        positional(types, &desc.args, &hint)
            .into_iter()
            .zip(items)
            .map(|(f, schema)| Param {
                required: f.required,
                name: f.key,
                ty: f.ty,
                schema,
                kind: ParamKind::Positional,
            }),
    );
    match desc.kwargs.get("title").and_then(Json::as_str) {
        Some(title) => {
            let required = !types.nullable(&desc.kwargs);
            params.push(Param {
                name: title.to_owned(),
                ty: types.ty(&desc.kwargs, &format!("{hint}Kwargs")),
                schema: desc.kwargs.clone(),
                kind: ParamKind::Kwargs,
                required,
            });
        }
        None => {
            if let Some(object) = desc.kwargs.as_object() {
                params.extend(properties(types, object, &hint, ParamKind::Keyword));
            }
        }
    }
    params
}

/// Each property of an object schema as a parameter of `kind` (a capture is always required).
fn properties(
    types: &mut Types<'_>,
    object: &serde_json::Map<String, Json>,
    hint: &str,
    kind: ParamKind,
) -> Vec<Param> {
    let schemas = object.get("properties").and_then(Json::as_object);
    types
        .fields(object, hint)
        .into_iter()
        .map(|field| Param {
            schema: schemas
                .and_then(|p| p.get(&field.key))
                .cloned()
                .unwrap_or(Json::Bool(true)),
            required: field.required || kind == ParamKind::Capture,
            name: field.key,
            ty: field.ty,
            kind,
        })
        .collect()
}

fn procedure<'a>(types: &mut Types<'_>, desc: &'a ProcedureDescription) -> Procedure<'a> {
    let hint = type_name(&desc.name);
    let params = params(types, desc);
    let result = desc
        .result
        .as_ref()
        .map(|r| types.ty(r, &format!("{hint}Result")));
    let progress = desc
        .progress
        .as_ref()
        .map(|r| types.ty(r, &format!("{hint}Item")));
    Procedure {
        desc,
        params,
        result,
        progress,
    }
}
