//! The types a description's JSON Schemas stand for, as a small model both generators render:
//! named definitions (structs, enums, tuples) and type expressions.
//!
//! What is understood: booleans, integers (with schemars' `format` for the width), numbers,
//! strings, constants, `null`, `Option` (`[T, "null"]` or `anyOf [T, null]`), lists, tuples
//! (`prefixItems`), maps (`additionalProperties`), objects with properties, string enums and
//! serde's four enum representations ([`enums`]). A schema that accepts anything is an untyped
//! JSON value; any other schema that cannot be typed is one too, with a warning that names it
//! ([`Types::warnings`]), so nothing degrades silently.

mod enums;
mod names;

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};
use wamp_core::describe::{accepts_null, resolve};

pub(crate) use enums::Tagging;
pub(crate) use names::{snake_name, type_name};

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Bool,
    /// An integer, with its Rust type (`i64`, `u32`...).
    Int(&'static str),
    /// A number, with its Rust type (`f64`, `f32`).
    Float(&'static str),
    Str,
    Null,
    /// Any JSON value.
    Any,
    Option(Box<Ty>),
    List(Box<Ty>),
    Tuple(Vec<Ty>),
    /// A map with string keys.
    Map(Box<Ty>),
    /// A named definition.
    Named(String),
}

/// A struct field or an object property.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The key on the wire.
    pub(crate) key: String,
    pub(crate) ty: Ty,
    /// Whether the key must be present (a field that may be left out and is not already an
    /// `Option` is given as one).
    pub(crate) required: bool,
    pub(crate) docs: String,
}

/// One variant of an enum.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// The tag on the wire; for an untagged enum, a name made from the variant's type.
    pub(crate) tag: String,
    pub(crate) docs: String,
    pub(crate) payload: VariantPayload,
}

#[derive(Debug, Clone)]
pub(crate) enum VariantPayload {
    Unit,
    Newtype(Ty),
    Tuple(Vec<Ty>),
    Struct(Vec<Field>),
}

/// What a named definition is.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Struct(Vec<Field>),
    Tuple(Vec<Ty>),
    /// A string enum: the values on the wire.
    UnitEnum(Vec<String>),
    /// An enum with payloads, in one of serde's representations.
    Enum(Tagging, Vec<Variant>),
    Alias(Ty),
}

/// A named definition.
#[derive(Debug, Clone)]
pub(crate) struct TypeDef {
    pub(crate) name: String,
    pub(crate) docs: String,
    pub(crate) shape: Shape,
}

/// The named definitions of one service: its `$defs`, then the types named for inline object
/// and enum schemas met while reading the procedures.
#[derive(Debug)]
pub(crate) struct Types<'a> {
    defs: &'a Map<String, Json>,
    pub(crate) named: Vec<TypeDef>,
    taken: BTreeSet<String>,
    /// Each schema that could not be typed: where, and what it is.
    pub(crate) warnings: Vec<String>,
    /// How deep [`Types::ty`] is in one schema (a hostile description cannot recurse without
    /// bound).
    depth: usize,
    /// How many more schemas may be typed: a description that fans out (a schema of several
    /// types, each holding the nested rest) cannot take exponential time.
    budget: usize,
}

/// Deeper than this, a schema is not typed.
const MAX_DEPTH: usize = 64;

/// The most schemas typed for one service (far more than any real description has).
const MAX_SCHEMAS: usize = 100_000;

/// Keys that annotate a schema without constraining it.
/// (Also what the diff leaves out when it compares whole schemas.)
pub(crate) const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "examples",
    "default",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Keys that name a schema without constraining what it accepts.
const IDENTIFIERS: &[&str] = &["$schema", "$id"];

impl<'a> Types<'a> {
    /// Every `$defs` entry of a service, converted.
    pub(crate) fn new(defs: &'a Map<String, Json>) -> Self {
        let mut types = Self {
            defs,
            named: Vec::new(),
            taken: defs.keys().map(|k| type_name(k)).collect(),
            warnings: Vec::new(),
            depth: 0,
            budget: MAX_SCHEMAS,
        };
        for (name, schema) in defs {
            let def = types.def(&type_name(name), schema);
            types.named.push(def);
        }
        types
    }

    /// Whether `schema` accepts `null` (an optional parameter or field).
    pub(crate) fn nullable(&self, schema: &Json) -> bool {
        accepts_null(schema, self.defs)
    }

    /// An untyped value for a schema that constrains what it accepts in a way the model does
    /// not follow: warned about, naming the type it sits in.
    fn untyped(&mut self, hint: &str, what: &str) -> Ty {
        let warning =
            format!("`{hint}`: {what} cannot be typed; it is generated as an untyped JSON value");
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
        Ty::Any
    }

    /// The type of `schema`; an inline object or enum becomes a new definition named `hint`.
    pub(crate) fn ty(&mut self, schema: &Json, hint: &str) -> Ty {
        if self.depth >= MAX_DEPTH {
            return self.untyped(hint, &format!("a schema nested deeper than {MAX_DEPTH}"));
        }
        if self.budget == 0 {
            return self.untyped(
                hint,
                &format!("a description of more than {MAX_SCHEMAS} schemas"),
            );
        }
        self.budget -= 1;
        self.depth += 1;
        let ty = self.ty_of(schema, hint);
        self.depth -= 1;
        ty
    }

    fn ty_of(&mut self, schema: &Json, hint: &str) -> Ty {
        let object = match schema {
            Json::Object(o) => o,
            Json::Bool(true) => return Ty::Any,
            _ => return self.untyped(hint, "a schema that accepts nothing"),
        };
        if let Some(r) = object.get("$ref").and_then(Json::as_str) {
            return match r.strip_prefix("#/$defs/") {
                Some(name) if self.defs.contains_key(name) => Ty::Named(type_name(name)),
                _ => self.untyped(hint, &format!("the reference `{r}` (not in `$defs`)")),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Json::Array(alternatives)) = object.get(key) {
                let (nulls, others): (Vec<&Json>, Vec<&Json>) =
                    alternatives.iter().partition(|s| is_null_schema(s));
                return match (nulls.is_empty(), others.as_slice()) {
                    (false, [only]) => Ty::Option(Box::new(self.ty(only, hint))),
                    (false, _) => {
                        let mut rest = object.clone();
                        rest.insert(key.into(), others.into_iter().cloned().collect());
                        Ty::Option(Box::new(self.define(hint, &Json::Object(rest))))
                    }
                    (true, _) => self.define(hint, schema),
                };
            }
        }
        if let Some(Json::Array(all)) = object.get("allOf") {
            if let [only] = all.as_slice() {
                return self.ty(only, hint);
            }
            return self.untyped(hint, &format!("`allOf` of {} schemas", all.len()));
        }
        match object.get("type") {
            Some(Json::Array(types)) => {
                let non_null: Vec<&Json> = types.iter().filter(|t| *t != "null").collect();
                let nullable = non_null.len() < types.len();
                let inner = match non_null.as_slice() {
                    [one] => {
                        let mut inner = object.clone();
                        inner.insert("type".into(), (*one).clone());
                        if let Some(Json::Array(values)) = inner.get_mut("enum") {
                            values.retain(|v| !v.is_null());
                        }
                        self.ty(&Json::Object(inner), hint)
                    }
                    [] => Ty::Null,
                    // `["string", "integer"]`: an untagged enum of one variant per type.
                    several => {
                        let mut seen = Vec::new();
                        let alternatives: Vec<Json> = several
                            .iter()
                            .filter(|t| {
                                let new = !seen.contains(*t);
                                seen.push(*t);
                                new
                            })
                            .map(|t| Json::Object(one_type(object, t)))
                            .collect();
                        let union = Json::Object(Map::from_iter([(
                            "anyOf".to_owned(),
                            Json::Array(alternatives),
                        )]));
                        self.define(hint, &union)
                    }
                };
                if nullable && !non_null.is_empty() {
                    Ty::Option(Box::new(inner))
                } else {
                    inner
                }
            }
            Some(Json::String(t)) => match t.as_str() {
                "boolean" => Ty::Bool,
                "null" => Ty::Null,
                "integer" => Ty::Int(integer_type(object)),
                "number" => Ty::Float(
                    if object.get("format").and_then(Json::as_str) == Some("float") {
                        "f32"
                    } else {
                        "f64"
                    },
                ),
                "string" if is_string_enum(object) => self.define(hint, schema),
                "string" => Ty::Str,
                "array" => {
                    if let Some(Json::Array(items)) = object.get("prefixItems") {
                        let tys = items
                            .iter()
                            .enumerate()
                            .map(|(i, s)| self.ty(s, &format!("{hint}{i}")))
                            .collect();
                        return Ty::Tuple(tys);
                    }
                    match object.get("items") {
                        Some(items) => Ty::List(Box::new(self.ty(items, &format!("{hint}Item")))),
                        None => Ty::List(Box::new(Ty::Any)),
                    }
                }
                "object" => {
                    if has_properties(object) {
                        return self.define(hint, schema);
                    }
                    match object.get("additionalProperties") {
                        Some(Json::Object(value)) => Ty::Map(Box::new(
                            self.ty(&Json::Object(value.clone()), &format!("{hint}Value")),
                        )),
                        _ => Ty::Map(Box::new(Ty::Any)),
                    }
                }
                other => self.untyped(hint, &format!("the type `{other}`")),
            },
            _ => match object.get("const") {
                Some(Json::String(_)) => Ty::Str,
                Some(Json::Bool(_)) => Ty::Bool,
                Some(Json::Number(n)) if n.is_f64() => Ty::Float("f64"),
                Some(Json::Number(_)) => Ty::Int("i64"),
                Some(Json::Null) => Ty::Null,
                Some(_) => self.untyped(hint, "a constant list or object"),
                None => match object.keys().find(|k| {
                    !ANNOTATIONS.contains(&k.as_str()) && !IDENTIFIERS.contains(&k.as_str())
                }) {
                    Some(key) => self.untyped(hint, &format!("a schema with `{key}`")),
                    None => Ty::Any,
                },
            },
        }
    }

    /// Adds a definition named after `hint` (made unique) for an inline schema.
    fn define(&mut self, hint: &str, schema: &Json) -> Ty {
        let base = type_name(hint);
        let mut name = base.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        self.taken.insert(name.clone());
        let def = self.def(&name, schema);
        self.named.push(def);
        Ty::Named(name)
    }

    /// The definition `name` stands for.
    pub(crate) fn def(&mut self, name: &str, schema: &Json) -> TypeDef {
        let docs = description(schema);
        let shape = match schema.as_object() {
            Some(object) if has_properties(object) => Shape::Struct(self.fields(object, name)),
            Some(object) if object.get("type") == Some(&Json::from("array")) => {
                match object.get("prefixItems") {
                    Some(Json::Array(items)) => Shape::Tuple(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, s)| self.ty(s, &format!("{name}{i}")))
                            .collect(),
                    ),
                    _ => Shape::Alias(self.ty(schema, name)),
                }
            }
            Some(object) if is_option(object) => Shape::Alias(self.ty(schema, name)),
            Some(object) => match self.enum_shape(name, object) {
                Some(shape) => shape,
                None => Shape::Alias(self.ty(schema, &format!("{name}Inner"))),
            },
            None => Shape::Alias(self.ty(schema, name)),
        };
        TypeDef {
            name: name.to_owned(),
            docs,
            shape,
        }
    }

    fn variant_payload(&mut self, schema: &Json, hint: &str) -> VariantPayload {
        let resolved = resolve(schema, self.defs);
        match resolved.as_object() {
            Some(o) if has_properties(o) && schema.get("$ref").is_none() => {
                VariantPayload::Struct(self.fields(o, hint))
            }
            Some(o)
                if o.get("type") == Some(&Json::from("array"))
                    && o.get("prefixItems").is_some()
                    && schema.get("$ref").is_none() =>
            {
                let items = o
                    .get("prefixItems")
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default();
                VariantPayload::Tuple(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, s)| self.ty(s, &format!("{hint}{i}")))
                        .collect(),
                )
            }
            _ => VariantPayload::Newtype(self.ty(schema, hint)),
        }
    }

    /// The properties of an object schema, in order.
    pub(crate) fn fields(&mut self, object: &Map<String, Json>, owner: &str) -> Vec<Field> {
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let Some(Json::Object(properties)) = object.get("properties") else {
            return Vec::new();
        };
        properties
            .iter()
            .map(|(key, schema)| {
                let hint = format!("{owner}{}", type_name(key));
                Field {
                    key: key.clone(),
                    ty: self.ty(schema, &hint),
                    required: required.contains(key.as_str()),
                    docs: description(schema),
                }
            })
            .collect()
    }
}

fn has_properties(object: &Map<String, Json>) -> bool {
    object
        .get("properties")
        .and_then(Json::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// The part of a schema of several types (`["string", "object"]`) that is about one of them:
/// the type, and only the keywords that apply to it (so that a string alternative does not
/// become a struct, and no alternative carries the others' nested schemas).
fn one_type(object: &Map<String, Json>, ty: &Json) -> Map<String, Json> {
    let keys: &[&str] = match ty.as_str() {
        Some("object") => &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
        ],
        Some("array") => &["items", "prefixItems", "minItems", "maxItems"],
        Some("string") => &["enum", "format", "pattern", "minLength", "maxLength"],
        Some("integer" | "number") => &["format", "minimum", "maximum"],
        _ => &[],
    };
    let mut one = Map::new();
    one.insert("type".into(), ty.clone());
    for key in keys {
        if let Some(value) = object.get(*key) {
            one.insert((*key).to_owned(), value.clone());
        }
    }
    one
}

fn is_string_enum(object: &Map<String, Json>) -> bool {
    object
        .get("enum")
        .and_then(Json::as_array)
        .is_some_and(|values| values.iter().all(Json::is_string))
}

fn is_null_schema(schema: &Json) -> bool {
    schema.get("type").and_then(Json::as_str) == Some("null")
}

/// `anyOf`/`oneOf` of one schema and `null`: an `Option`, not an enum.
fn is_option(object: &Map<String, Json>) -> bool {
    let Some(alternatives) = enums::alternatives(object) else {
        return false;
    };
    let nulls = alternatives.iter().filter(|a| is_null_schema(a)).count();
    nulls > 0 && alternatives.len() - nulls == 1
}

/// The Rust integer type for an integer schema, from schemars' `format`.
fn integer_type(object: &Map<String, Json>) -> &'static str {
    match object.get("format").and_then(Json::as_str) {
        Some("int8") => "i8",
        Some("int16") => "i16",
        Some("int32") => "i32",
        Some("uint8") => "u8",
        Some("uint16") => "u16",
        Some("uint32") => "u32",
        Some("uint64") | Some("uint") => "u64",
        Some("int128") => "i128",
        Some("uint128") => "u128",
        _ => {
            if object.get("minimum").and_then(Json::as_f64) == Some(0.0) {
                "u64"
            } else {
                "i64"
            }
        }
    }
}

/// A schema's `description` (its docs).
pub(crate) fn description(schema: &Json) -> String {
    schema
        .get("description")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests;
