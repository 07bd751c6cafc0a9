//! The types a description's JSON Schemas stand for, as a small model both generators render:
//! named definitions (structs, enums, tuples) and type expressions.
//!
//! What is understood: booleans, integers (with schemars' `format` for the width), numbers,
//! strings, `null`, `Option` (`[T, "null"]` or `anyOf [T, null]`), lists, tuples
//! (`prefixItems`), maps (`additionalProperties`), objects with properties, string enums and
//! externally tagged enums (serde's default). Anything else is an untyped JSON value.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};
use wamp_core::describe::{accepts_null, resolve};

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

/// One variant of an externally tagged enum.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// The tag on the wire.
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
    Enum(Vec<Variant>),
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
}

impl<'a> Types<'a> {
    /// Every `$defs` entry of a service, converted.
    pub(crate) fn new(defs: &'a Map<String, Json>) -> Self {
        let mut types = Self {
            defs,
            named: Vec::new(),
            taken: defs.keys().map(|k| type_name(k)).collect(),
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

    /// The type of `schema`; an inline object or enum becomes a new definition named `hint`.
    pub(crate) fn ty(&mut self, schema: &Json, hint: &str) -> Ty {
        let object = match schema {
            Json::Object(o) => o,
            _ => return Ty::Any,
        };
        if let Some(r) = object.get("$ref").and_then(Json::as_str) {
            return match r.strip_prefix("#/$defs/") {
                Some(name) if self.defs.contains_key(name) => Ty::Named(type_name(name)),
                _ => Ty::Any,
            };
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Json::Array(alternatives)) = object.get(key) {
                let (nulls, others): (Vec<&Json>, Vec<&Json>) =
                    alternatives.iter().partition(|s| is_null_schema(s));
                if !nulls.is_empty() && others.len() == 1 {
                    if let Some(inner) = others.first() {
                        return Ty::Option(Box::new(self.ty(inner, hint)));
                    }
                }
                if enum_variants(object).is_some() {
                    return self.define(hint, schema);
                }
                return Ty::Any;
            }
        }
        if let Some(Json::Array(all)) = object.get("allOf") {
            if let [only] = all.as_slice() {
                return self.ty(only, hint);
            }
            return Ty::Any;
        }
        match object.get("type") {
            Some(Json::Array(types)) => {
                let non_null: Vec<&Json> = types.iter().filter(|t| *t != "null").collect();
                match non_null.as_slice() {
                    [one] if non_null.len() < types.len() => {
                        let mut inner = object.clone();
                        inner.insert("type".into(), (*one).clone());
                        if let Some(Json::Array(values)) = inner.get_mut("enum") {
                            values.retain(|v| !v.is_null());
                        }
                        Ty::Option(Box::new(self.ty(&Json::Object(inner), hint)))
                    }
                    [one] => {
                        let mut inner = object.clone();
                        inner.insert("type".into(), (*one).clone());
                        self.ty(&Json::Object(inner), hint)
                    }
                    _ => Ty::Any,
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
                "string" if object.get("enum").is_some() => self.define(hint, schema),
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
                _ => Ty::Any,
            },
            _ => {
                if object.contains_key("const") {
                    if let Some(Json::String(_)) = object.get("const") {
                        return Ty::Str;
                    }
                }
                Ty::Any
            }
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
            Some(object) => match enum_variants(object) {
                Some(variants) if variants.iter().all(|(_, p)| p.is_none()) => {
                    Shape::UnitEnum(variants.into_iter().map(|(tag, _)| tag).collect())
                }
                Some(variants) => {
                    let docs_of = variant_docs(object);
                    Shape::Enum(
                        variants
                            .into_iter()
                            .map(|(tag, payload)| {
                                let docs = docs_of
                                    .iter()
                                    .find(|(t, _)| *t == tag)
                                    .map(|(_, d)| d.clone())
                                    .unwrap_or_default();
                                let payload = match payload {
                                    None => VariantPayload::Unit,
                                    Some(s) => self.variant_payload(&s, &format!("{name}{tag}")),
                                };
                                Variant { tag, docs, payload }
                            })
                            .collect(),
                    )
                }
                None => Shape::Alias(self.ty(schema, &format!("{name}Inner"))),
            },
            None => Shape::Alias(Ty::Any),
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

fn is_null_schema(schema: &Json) -> bool {
    schema.get("type").and_then(Json::as_str) == Some("null")
}

/// The variants of a string enum or an externally tagged enum: each tag with its payload
/// schema (`None` for a unit variant).
fn enum_variants(object: &Map<String, Json>) -> Option<Vec<(String, Option<Json>)>> {
    if let Some(Json::Array(values)) = object.get("enum") {
        return values
            .iter()
            .map(|v| v.as_str().map(|s| (s.to_owned(), None)))
            .collect();
    }
    let alternatives = object
        .get("oneOf")
        .or_else(|| object.get("anyOf"))?
        .as_array()?;
    let mut variants = Vec::new();
    for alternative in alternatives {
        let a = alternative.as_object()?;
        if let Some(Json::String(tag)) = a.get("const") {
            variants.push((tag.clone(), None));
        } else if let Some(Json::Array(values)) = a.get("enum") {
            for v in values {
                variants.push((v.as_str()?.to_owned(), None));
            }
        } else {
            let properties = a.get("properties")?.as_object()?;
            if properties.len() != 1 {
                return None;
            }
            let (tag, payload) = properties.iter().next()?;
            variants.push((tag.clone(), Some(payload.clone())));
        }
    }
    Some(variants)
}

/// Each tagged alternative's `description` (schemars puts a variant's docs there).
fn variant_docs(object: &Map<String, Json>) -> Vec<(String, String)> {
    let alternatives = object
        .get("oneOf")
        .or_else(|| object.get("anyOf"))
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    alternatives
        .iter()
        .filter_map(|a| {
            let docs = description(a);
            let tag = a
                .get("const")
                .and_then(Json::as_str)
                .map(str::to_owned)
                .or_else(|| {
                    a.get("properties")
                        .and_then(Json::as_object)
                        .and_then(|p| p.keys().next().cloned())
                })?;
            Some((tag, docs))
        })
        .collect()
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

/// `UpperCamelCase` from any name (`Wrapper_for_i64`, `first-name`, `com.app` ...).
pub(crate) fn type_name(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// `snake_case` from any name (`firstName`, `first-name` ...).
pub(crate) fn snake_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_made_legal() {
        assert_eq!(type_name("Wrapper_for_i64"), "WrapperForI64");
        assert_eq!(type_name("first-name"), "FirstName");
        assert_eq!(type_name("9lives"), "T9lives");
        assert_eq!(snake_name("firstName"), "first_name");
        assert_eq!(snake_name("first-name"), "first_name");
        assert_eq!(snake_name("HTTPCode"), "httpcode");
    }

    #[test]
    fn schemas_become_types() {
        let defs = json!({
            "Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
            "Color": {"type": "string", "enum": ["red", "green"]},
            "Shape": {"oneOf": [
                {"type": "string", "const": "Empty"},
                {"type": "object", "properties": {"Circle": {"type": "number"}}, "required": ["Circle"]},
                {"type": "object", "properties": {"Rect": {"type": "object", "properties": {"w": {"type": "integer", "format": "uint32"}}}}, "required": ["Rect"]}
            ]}
        });
        let defs = defs.as_object().unwrap();
        let mut types = Types::new(defs);
        assert_eq!(
            types.ty(
                &json!({"type": ["integer", "null"], "format": "int32"}),
                "X"
            ),
            Ty::Option(Box::new(Ty::Int("i32")))
        );
        assert_eq!(
            types.ty(
                &json!({"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}]}),
                "X"
            ),
            Ty::Option(Box::new(Ty::Named("Point".into())))
        );
        assert_eq!(
            types.ty(&json!({"type": "array", "items": {"type": "string"}}), "X"),
            Ty::List(Box::new(Ty::Str))
        );
        assert_eq!(types.ty(&json!({"type": "array", "prefixItems": [{"type": "boolean"}, {"type": "number", "format": "float"}]}), "X"), Ty::Tuple(vec![Ty::Bool, Ty::Float("f32")]));
        assert_eq!(
            types.ty(
                &json!({"type": "object", "additionalProperties": {"type": "integer"}}),
                "X"
            ),
            Ty::Map(Box::new(Ty::Int("i64")))
        );
        assert_eq!(
            types.ty(
                &json!({"type": "object", "properties": {"a": {"type": "string"}}}),
                "Inline"
            ),
            Ty::Named("Inline".into())
        );
        assert_eq!(types.ty(&json!(true), "X"), Ty::Any);
        assert!(
            matches!(&types.named.iter().find(|d| d.name == "Color").unwrap().shape, Shape::UnitEnum(v) if v == &["red", "green"])
        );
        let Shape::Enum(variants) = &types
            .named
            .iter()
            .find(|d| d.name == "Shape")
            .unwrap()
            .shape
        else {
            panic!("not an enum")
        };
        assert!(matches!(variants[0].payload, VariantPayload::Unit));
        assert!(matches!(
            &variants[1].payload,
            VariantPayload::Newtype(Ty::Float("f64"))
        ));
        assert!(
            matches!(&variants[2].payload, VariantPayload::Struct(f) if f[0].key == "w" && f[0].ty == Ty::Int("u32") && !f[0].required)
        );
    }
}
