//! Dynamic values carried in WAMP messages, and the bridge between them and serde types.
//!
//! Application payloads (`args`, `kwargs`) and the `Options`/`Details` dictionaries hold
//! [`Value`]s: a self-describing tree that keeps binary strings apart from text, which JSON alone
//! cannot. Typed Rust data goes in and out through [`to_value`] and [`from_value`].

mod de;

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Deserializer, Serialize, Serializer};

/// A dynamic WAMP value: integer, float, bool, null, text, binary, list or map.
///
/// This is [`ciborium::Value`]; its `Integer` holds any `u64` or `i64`.
pub use ciborium::Value;

/// A WAMP dictionary (`Options`, `Details`, `ArgumentsKw`): string keys, ordered for stable output.
pub type Dict = BTreeMap<String, Value>;

/// About how many bytes a value holds in memory (its strings and bytes, plus a value's size
/// per item): an estimate for bounding queues, not an exact figure.
pub fn weight(value: &Value) -> usize {
    weigh(value, 0)
}

/// Recursion is cheapest for the shallow values of real payloads; past `DEEP` levels the rest
/// is summed with a heap stack, so that a hostile, deeply nested value cannot exhaust the stack.
fn weigh(value: &Value, depth: usize) -> usize {
    const ITEM: usize = std::mem::size_of::<Value>();
    const DEEP: usize = 32;
    if depth > DEEP {
        return weigh_iteratively(value);
    }
    ITEM.saturating_add(match value {
        Value::Text(t) => t.len(),
        Value::Bytes(b) => b.len(),
        Value::Array(items) => items
            .iter()
            .fold(0usize, |sum, v| sum.saturating_add(weigh(v, depth + 1))),
        Value::Map(entries) => entries.iter().fold(0usize, |sum, (k, v)| {
            sum.saturating_add(weigh(k, depth + 1))
                .saturating_add(weigh(v, depth + 1))
        }),
        Value::Tag(_, inner) => weigh(inner, depth + 1),
        _ => 0,
    })
}

fn weigh_iteratively(value: &Value) -> usize {
    const ITEM: usize = std::mem::size_of::<Value>();
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(ITEM);
        match v {
            Value::Text(t) => total = total.saturating_add(t.len()),
            Value::Bytes(b) => total = total.saturating_add(b.len()),
            Value::Array(items) => stack.extend(items.iter()),
            Value::Map(entries) => {
                for (k, v) in entries {
                    stack.push(k);
                    stack.push(v);
                }
            }
            Value::Tag(_, inner) => stack.push(inner),
            _ => {}
        }
    }
    total
}

/// [`weight`] of a dict.
pub fn dict_weight(dict: &Dict) -> usize {
    dict.iter().fold(0usize, |sum, (k, v)| {
        sum.saturating_add(k.len()).saturating_add(weight(v))
    })
}

/// A Rust value could not be turned into a [`Value`], or a [`Value`] into the requested Rust type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub(crate) String);

/// Serializes any serde value into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, ValueError> {
    Value::serialized(value).map_err(|e| ValueError(e.to_string()))
}

/// Deserializes a [`Value`] into any serde type. Integers are accepted where floats are
/// expected, since JSON peers (JavaScript) send `3.0` as `3`.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    T::deserialize(de::ValueDeserializer(value))
}

/// Serializes a Rust value meant as positional arguments: a tuple, array, `Vec` or unit.
///
/// `()` gives no arguments; anything that does not serialize to a list is an error, because WAMP
/// positional arguments are always a list.
pub fn to_args<T: Serialize + ?Sized>(value: &T) -> Result<Vec<Value>, ValueError> {
    match to_value(value)? {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => Err(ValueError(format!(
            "positional arguments must serialize to a list (tuple, array or Vec), not {}",
            kind(&other)
        ))),
    }
}

/// Serializes a Rust value meant as keyword arguments: a struct or map with string keys, or unit.
pub fn to_kwargs<T: Serialize + ?Sized>(value: &T) -> Result<Dict, ValueError> {
    match to_value(value)? {
        Value::Map(entries) => map_to_dict(entries),
        Value::Null => Ok(Dict::new()),
        other => Err(ValueError(format!(
            "keyword arguments must serialize to a map with string keys, not {}",
            kind(&other)
        ))),
    }
}

/// Turns a list of key/value pairs into a [`Dict`], refusing keys that are not text.
pub(crate) fn map_to_dict(entries: Vec<(Value, Value)>) -> Result<Dict, ValueError> {
    let mut dict = Dict::new();
    for (key, value) in entries {
        match key {
            Value::Text(key) => {
                dict.insert(key, value);
            }
            other => {
                return Err(ValueError(format!(
                    "dictionary keys must be strings, found {}",
                    kind(&other)
                )))
            }
        }
    }
    Ok(dict)
}

/// Builds a [`Value::Map`] from a [`Dict`].
pub fn dict_to_value(dict: Dict) -> Value {
    Value::Map(dict.into_iter().map(|(k, v)| (Value::Text(k), v)).collect())
}

/// A short name of a value's kind, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "an integer",
        Value::Bytes(_) => "binary",
        Value::Float(_) => "a float",
        Value::Text(_) => "a string",
        Value::Bool(_) => "a bool",
        Value::Null => "null",
        Value::Tag(_, _) => "a tagged value",
        Value::Array(_) => "a list",
        Value::Map(_) => "a dict",
        _ => "an unknown value",
    }
}

/// Reads a value as an unsigned integer, if it is one.
pub(crate) fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i).ok(),
        _ => None,
    }
}

/// The JSON convention for binary values: a string starting with `\0` followed by base64.
pub(crate) const JSON_BINARY_PREFIX: char = '\0';

/// Serializes a [`Value`] for the wire. With `json` set, binary becomes the `\0`-prefixed base64
/// string the WAMP spec prescribes, and non-finite floats are refused rather than silently nulled.
pub(crate) struct WireValue<'a> {
    pub(crate) value: &'a Value,
    pub(crate) json: bool,
}

impl Serialize for WireValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let json = self.json;
        match self.value {
            Value::Integer(i) => {
                let i = i128::from(*i);
                if let Ok(u) = u64::try_from(i) {
                    s.serialize_u64(u)
                } else if let Ok(n) = i64::try_from(i) {
                    s.serialize_i64(n)
                } else {
                    Err(S::Error::custom("integer out of the 64-bit range"))
                }
            }
            Value::Bytes(bytes) => WireBytes { bytes, json }.serialize(s),
            Value::Float(f) if json && !f.is_finite() => Err(S::Error::custom(
                "a NaN or infinite float cannot be encoded in JSON",
            )),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Text(t) => s.serialize_str(t),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Null => s.serialize_unit(),
            // Tags are a CBOR detail; other serializers carry the tagged value itself.
            Value::Tag(_, inner) => WireValue { value: inner, json }.serialize(s),
            Value::Array(items) => WireList { items, json }.serialize(s),
            Value::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(
                        &WireValue { value: k, json },
                        &WireValue { value: v, json },
                    )?;
                }
                map.end()
            }
            _ => Err(S::Error::custom("unsupported value")),
        }
    }
}

/// Serializes binary for the wire: raw for binary formats, `\0`-prefixed base64 text for JSON.
pub(crate) struct WireBytes<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) json: bool,
}

impl Serialize for WireBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.json {
            return s.serialize_bytes(self.bytes);
        }
        use base64::Engine as _;
        let mut text = String::with_capacity(1 + self.bytes.len().div_ceil(3) * 4);
        text.push(JSON_BINARY_PREFIX);
        base64::engine::general_purpose::STANDARD.encode_string(self.bytes, &mut text);
        s.serialize_str(&text)
    }
}

/// Serializes a list of [`Value`]s for the wire.
pub(crate) struct WireList<'a> {
    pub(crate) items: &'a [Value],
    pub(crate) json: bool,
}

impl Serialize for WireList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for item in self.items {
            seq.serialize_element(&WireValue {
                value: item,
                json: self.json,
            })?;
        }
        seq.end()
    }
}

/// Serializes a [`Dict`] for the wire.
pub(crate) struct WireDict<'a> {
    pub(crate) dict: &'a Dict,
    pub(crate) json: bool,
}

impl Serialize for WireDict<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.dict.len()))?;
        for (k, v) in self.dict {
            map.serialize_entry(
                k,
                &WireValue {
                    value: v,
                    json: self.json,
                },
            )?;
        }
        map.end()
    }
}

/// Deserializes any self-describing input into a [`Value`]. With `json` set, strings that start
/// with `\0` are decoded as base64 binary, as the WAMP spec prescribes for JSON.
///
/// Nesting deeper than [`MAX_DEPTH`] is refused, so hostile input cannot overflow the stack.
#[derive(Clone, Copy)]
pub(crate) struct WireValueSeed {
    pub(crate) json: bool,
    pub(crate) depth: u16,
}

/// The deepest nesting of lists and maps accepted from the wire (the message list counts as one).
pub const MAX_DEPTH: u16 = 128;

impl<'de> DeserializeSeed<'de> for WireValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for WireValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a WAMP value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Integer(v.into()))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        ciborium::value::Integer::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        ciborium::value::Integer::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.text(v.to_owned())
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.text(v)
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        // Cap the pre-allocation: a hostile length prefix must not reserve gigabytes. Without a
        // length (JSON), a message's own list gets room for the longest message (7 elements)
        // instead of growing twice.
        let unknown = if self.depth == 0 { 8 } else { 0 };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(unknown).min(1024));
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key_seed(inner)? {
            let value = map.next_value_seed(inner)?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

impl WireValueSeed {
    /// A seed for the top of a message.
    pub(crate) fn new(json: bool) -> Self {
        Self { json, depth: 0 }
    }

    fn nested<E: serde::de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(Self {
            depth: self.depth + 1,
            ..self
        })
    }

    fn text<E: serde::de::Error>(self, text: String) -> Result<Value, E> {
        if self.json {
            if let Some(encoded) = text.strip_prefix(JSON_BINARY_PREFIX) {
                use base64::Engine as _;
                return base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map(Value::Bytes)
                    .map_err(|e| {
                        E::custom(format!("invalid base64 in a JSON binary string: {e}"))
                    });
            }
        }
        Ok(Value::Text(text))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn args_from_tuple_vec_and_unit() {
        assert_eq!(
            to_args(&(1, "a")).unwrap(),
            vec![Value::from(1), Value::from("a")]
        );
        assert_eq!(to_args(&vec![true]).unwrap(), vec![Value::Bool(true)]);
        assert!(to_args(&()).unwrap().is_empty());
        assert!(to_args(&5).is_err());
    }

    #[test]
    fn kwargs_from_struct_and_refusal_of_scalars() {
        #[derive(Serialize)]
        struct K {
            a: u8,
        }
        let d = to_kwargs(&K { a: 3 }).unwrap();
        assert_eq!(d.get("a"), Some(&Value::from(3)));
        assert!(to_kwargs(&"x").is_err());
    }

    #[test]
    fn json_binary_rule_round_trips() {
        let v = Value::Array(vec![Value::Bytes(vec![0, 1, 2, 255]), Value::from("plain")]);
        let json = serde_json::to_string(&WireValue {
            value: &v,
            json: true,
        })
        .unwrap();
        assert_eq!(json, "[\"\\u0000AAEC/w==\",\"plain\"]");
        let mut de = serde_json::Deserializer::from_str(&json);
        let back = WireValueSeed::new(true).deserialize(&mut de).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn json_refuses_bad_base64_and_nan() {
        let mut de = serde_json::Deserializer::from_str("\"\\u0000***\"");
        assert!(WireValueSeed::new(true).deserialize(&mut de).is_err());
        let nan = Value::Float(f64::NAN);
        assert!(serde_json::to_string(&WireValue {
            value: &nan,
            json: true
        })
        .is_err());
    }

    #[test]
    fn weight_counts_text_and_items_and_survives_deep_nesting() {
        let item = std::mem::size_of::<Value>();
        assert_eq!(weight(&Value::Text("abcd".into())), item + 4);
        let list = Value::Array(vec![Value::from(1), Value::Text("xy".into())]);
        assert_eq!(weight(&list), 3 * item + 2);
        let mut deep = Value::Null;
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        assert_eq!(weight(&deep), 100_001 * item);
        // Dropping a value this deep recurses in ciborium; take it apart by hand.
        let mut next = Some(deep);
        while let Some(Value::Array(mut items)) = next.take() {
            next = items.pop();
        }
    }
}
