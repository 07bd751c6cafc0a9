//! Enums read back from their JSON Schemas, in each of serde's four representations as
//! schemars writes them:
//! - externally tagged (serde's default): `"Unit"` or `{"Variant": payload}`;
//! - internally tagged (`tag = "t"`): objects whose `t` is a constant string, the variant's own
//!   fields (or the fields of the struct it wraps) beside it;
//! - adjacently tagged (`tag = "t", content = "c"`): `{"t": "Variant", "c": payload}`;
//! - untagged: any schemas, tried in order; the variants are named after their types (or their
//!   `title`), since the schema does not keep serde's names.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use super::{description, is_null_schema, Shape, Ty, Types, Variant, VariantPayload};

/// How an enum's variants are told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tagging {
    /// `{"Variant": payload}`, or the bare name for a unit variant.
    External,
    /// The tag is a field among the variant's fields.
    Internal { tag: String },
    /// The tag and the payload are two fields.
    Adjacent { tag: String, content: String },
    /// No tag: the first variant whose type fits.
    Untagged,
}

impl Tagging {
    /// In words, for the reference and for diffs.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tagging::External => "externally tagged".into(),
            Tagging::Internal { tag } => format!("internally tagged by `{tag}`"),
            Tagging::Adjacent { tag, content } => {
                format!("adjacently tagged by `{tag}` with content `{content}`")
            }
            Tagging::Untagged => "untagged".into(),
        }
    }
}

/// A variant as read from its alternative, before its payload is typed.
struct Raw {
    tag: String,
    docs: String,
    payload: Option<Json>,
}

impl Types<'_> {
    /// The enum `object` stands for: a string enum, or a serde enum in any representation.
    /// `None` when it is neither (no `enum`, `oneOf` or `anyOf`).
    pub(super) fn enum_shape(&mut self, name: &str, object: &Map<String, Json>) -> Option<Shape> {
        if let Some(Json::Array(values)) = object.get("enum") {
            let values: Option<Vec<String>> = values
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            return values.map(Shape::UnitEnum);
        }
        let alternatives = alternatives(object)?;
        if let Some((tagging, raws)) =
            tagged(alternatives).or_else(|| external(alternatives).map(|r| (Tagging::External, r)))
        {
            if tagging == Tagging::External && raws.iter().all(|r| r.payload.is_none()) {
                return Some(Shape::UnitEnum(raws.into_iter().map(|r| r.tag).collect()));
            }
            let variants = raws
                .into_iter()
                .map(|raw| {
                    let payload = match &raw.payload {
                        None => VariantPayload::Unit,
                        Some(schema) => self.variant_payload(schema, &format!("{name}{}", raw.tag)),
                    };
                    Variant {
                        tag: raw.tag,
                        docs: raw.docs,
                        payload,
                    }
                })
                .collect();
            return Some(Shape::Enum(tagging, variants));
        }
        Some(Shape::Enum(
            Tagging::Untagged,
            self.untagged(name, alternatives),
        ))
    }

    /// The variants of an untagged enum: each alternative's type, named after it.
    fn untagged(&mut self, name: &str, alternatives: &[Json]) -> Vec<Variant> {
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let payload = if is_null_schema(alternative) {
                VariantPayload::Unit
            } else {
                self.variant_payload(alternative, &format!("{name}{i}"))
            };
            let base = match alternative.get("title").and_then(Json::as_str) {
                Some(title) => super::type_name(title),
                None => kind_name(&payload),
            };
            let mut tag = base.clone();
            let mut n = 1;
            while !taken.insert(tag.clone()) {
                n += 1;
                tag = format!("{base}{n}");
            }
            variants.push(Variant {
                tag,
                docs: description(alternative),
                payload,
            });
        }
        variants
    }
}

/// The alternatives of a `oneOf` (or else an `anyOf`) schema.
pub(super) fn alternatives(object: &Map<String, Json>) -> Option<&Vec<Json>> {
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Json::as_array))
}

/// A variant name for an untagged alternative, from its type.
fn kind_name(payload: &VariantPayload) -> String {
    let ty = match payload {
        VariantPayload::Unit => return "Null".into(),
        VariantPayload::Struct(_) => return "Object".into(),
        VariantPayload::Tuple(_) => return "Tuple".into(),
        VariantPayload::Newtype(ty) => ty,
    };
    match ty {
        Ty::Bool => "Bool".into(),
        Ty::Int(_) => "Integer".into(),
        Ty::Float(_) => "Number".into(),
        Ty::Str => "Text".into(),
        Ty::Null => "Null".into(),
        Ty::Any => "Value".into(),
        Ty::Option(_) => "Optional".into(),
        Ty::List(_) => "List".into(),
        Ty::Tuple(_) => "Tuple".into(),
        Ty::Map(_) => "Map".into(),
        Ty::Named(name) => name.clone(),
    }
}

/// Internally or adjacently tagged: a key that every alternative requires as a constant
/// string. Adjacent when no alternative has a key besides the tag other than one common,
/// required content key (and none wraps a `$ref`).
fn tagged(alternatives: &[Json]) -> Option<(Tagging, Vec<Raw>)> {
    let first = alternatives.first()?.get("properties")?.as_object()?;
    let tag = first
        .keys()
        .find(|key| alternatives.iter().all(|a| tag_of(a, key).is_some()))?
        .clone();
    let mut content: Option<String> = None;
    let mut adjacent = true;
    for alternative in alternatives {
        let others = properties(alternative).filter(|(k, _)| **k != tag);
        for (key, _) in others {
            let same = content.get_or_insert_with(|| key.clone()) == key;
            if !same || !is_required(alternative, key) {
                adjacent = false;
            }
        }
        if alternative.get("$ref").is_some() {
            adjacent = false;
        }
    }
    let raws = alternatives.iter().map(|a| {
        let tag_value = tag_of(a, &tag).unwrap_or_default().to_owned();
        (a, tag_value)
    });
    match content {
        Some(content) if adjacent => {
            let raws = raws
                .map(|(a, tag_value)| Raw {
                    tag: tag_value,
                    docs: description(a),
                    payload: a.get("properties").and_then(|p| p.get(&content)).cloned(),
                })
                .collect();
            Some((Tagging::Adjacent { tag, content }, raws))
        }
        _ => {
            let raws = raws
                .map(|(a, tag_value)| Raw {
                    tag: tag_value,
                    docs: description(a),
                    payload: internal_payload(a, &tag),
                })
                .collect();
            Some((Tagging::Internal { tag }, raws))
        }
    }
}

/// An internally tagged variant's payload: the struct it wraps (`$ref`), the fields beside
/// the tag, or nothing.
fn internal_payload(alternative: &Json, tag: &str) -> Option<Json> {
    if let Some(r) = alternative.get("$ref") {
        return Some(Json::Object(Map::from_iter([(
            "$ref".to_owned(),
            r.clone(),
        )])));
    }
    let mut object = alternative.as_object()?.clone();
    if let Some(Json::Object(p)) = object.get_mut("properties") {
        p.shift_remove(tag);
    }
    // Only the tag, and no other keys allowed: a unit variant. Otherwise (a newtype of a map:
    // `additionalProperties`) the rest is the payload.
    let only_tag = object
        .get("properties")
        .and_then(Json::as_object)
        .is_some_and(|p| p.is_empty());
    let open = object
        .get("additionalProperties")
        .is_some_and(|a| *a != Json::Bool(false));
    if only_tag {
        if !open {
            return None;
        }
        object.shift_remove("properties");
    }
    if let Some(Json::Array(required)) = object.get_mut("required") {
        required.retain(|r| r != tag);
    }
    object.remove("description");
    Some(Json::Object(object))
}

/// Externally tagged: each alternative is a constant string (a unit variant) or an object of
/// one required property (the variant's name, holding its payload).
fn external(alternatives: &[Json]) -> Option<Vec<Raw>> {
    let mut raws = Vec::new();
    for alternative in alternatives {
        let a = alternative.as_object()?;
        let docs = description(alternative);
        if let Some(Json::String(tag)) = a.get("const") {
            raws.push(Raw {
                tag: tag.clone(),
                docs,
                payload: None,
            });
        } else if let Some(Json::Array(values)) = a.get("enum") {
            for v in values {
                raws.push(Raw {
                    tag: v.as_str()?.to_owned(),
                    docs: docs.clone(),
                    payload: None,
                });
            }
        } else {
            let properties = a.get("properties")?.as_object()?;
            let (tag, payload) = match properties.iter().collect::<Vec<_>>().as_slice() {
                [(tag, payload)] if is_required(alternative, tag) => (*tag, *payload),
                _ => return None,
            };
            raws.push(Raw {
                tag: tag.clone(),
                docs,
                payload: Some(payload.clone()),
            });
        }
    }
    Some(raws)
}

/// The constant string `alternative` requires under `key`.
fn tag_of<'j>(alternative: &'j Json, key: &str) -> Option<&'j str> {
    if !is_required(alternative, key) {
        return None;
    }
    let schema = alternative.get("properties")?.get(key)?;
    match schema.get("const") {
        Some(Json::String(s)) => Some(s),
        _ => match schema.get("enum").and_then(Json::as_array)?.as_slice() {
            [Json::String(s)] => Some(s),
            _ => None,
        },
    }
}

fn is_required(alternative: &Json, key: &str) -> bool {
    alternative
        .get("required")
        .and_then(Json::as_array)
        .is_some_and(|r| r.iter().any(|k| k == key))
}

fn properties(alternative: &Json) -> impl Iterator<Item = (&String, &Json)> {
    alternative
        .get("properties")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
}
