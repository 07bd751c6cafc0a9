//! Reading typed values out of `Options`/`Details` dicts and arguments.

use wamp_core::{Dict, Id, Value};

pub(crate) fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Integer(i) => u64::try_from(*i).ok(),
        // autobahn-js's msgpack/cbor encoders send large integers as floats.
        Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= 9_007_199_254_740_992.0 =>
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(*f as u64)
        }
        _ => None,
    }
}

pub(crate) fn flag(dict: &Dict, key: &str) -> Option<bool> {
    match dict.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn text<'a>(dict: &'a Dict, key: &str) -> Option<&'a str> {
    match dict.get(key) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

pub(crate) fn uint(dict: &Dict, key: &str) -> Option<u64> {
    dict.get(key).and_then(as_u64)
}

pub(crate) fn id_list(dict: &Dict, key: &str) -> Option<Vec<Id>> {
    match dict.get(key) {
        Some(Value::Array(items)) => Some(items.iter().filter_map(as_u64).collect()),
        _ => None,
    }
}

pub(crate) fn text_list(dict: &Dict, key: &str) -> Option<Vec<String>> {
    texts(dict.get(key)?)
}

/// The text items of a list value (other items are skipped); `None` if it is not a list.
pub(crate) fn texts(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| match v {
                    Value::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The text-keyed entries of a map value (other keys are skipped); empty if it is not a map.
pub(crate) fn dict_of(value: Option<&Value>) -> Dict {
    match value {
        Some(Value::Map(pairs)) => pairs
            .iter()
            .filter_map(|(k, v)| match k {
                Value::Text(k) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect(),
        _ => Dict::new(),
    }
}

/// A dict from `(key, value)` pairs.
pub(crate) fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Dict {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// An ID as a value.
pub(crate) fn id(id: Id) -> Value {
    Value::Integer(id.into())
}

/// A list of IDs as a value.
pub(crate) fn ids(ids: impl IntoIterator<Item = Id>) -> Value {
    Value::Array(ids.into_iter().map(id).collect())
}

/// Text as a value.
pub(crate) fn text_value(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// Reads an enumerated option (`match`, `invoke`, `mode`): its value, `default` when absent,
/// `Ok(None)` for an implementation-specific `x_...` value this router does not implement (the
/// caller answers the request), and a violation for a malformed value. Over a socket the decoder
/// refuses a malformed value already; this makes an in-process session end the same way.
pub(crate) fn policy<T>(
    options: &Dict,
    key: &str,
    default: T,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, super::Violation> {
    match options.get(key) {
        None => Ok(Some(default)),
        Some(Value::Text(t)) => match parse(t) {
            Some(value) => Ok(Some(value)),
            None if wamp_core::message::is_extension(t) => Ok(None),
            None => Err(super::Violation(format!(
                "Options.{key} must be one of the values the spec defines or x_..., found {t:?}"
            ))),
        },
        Some(_) => Err(super::Violation(format!("Options.{key} must be a string"))),
    }
}
