//! The types the spec gives to the known keys of `Options`, `Details` and `Extra` dictionaries.
//!
//! Unknown keys are ignored, as the spec requires; a known key with a value of the wrong type is
//! a protocol violation that names the key.

use crate::uri;
use crate::value::{as_u64, kind, Dict, Value};

use super::is_valid_id;

/// What a known key's value must be.
#[derive(Clone, Copy)]
pub(crate) enum Rule {
    Bool,
    Id,
    UInt,
    Str,
    Uri,
    Dict,
    IdList,
    StrList,
    ForwardFor,
    /// One of the listed strings.
    OneOf(&'static [&'static str]),
    /// One of the listed strings or an implementation-specific `x_...` value.
    Extensible(&'static [&'static str]),
}

const MATCH: Rule = Rule::OneOf(&["exact", "prefix", "wildcard"]);
const INVOKE: Rule = Rule::OneOf(&["single", "roundrobin", "random", "first", "last"]);
const CANCEL_MODE: Rule = Rule::OneOf(&["skip", "kill", "killnowait"]);

/// Payload passthru (`ppt_*`) and the legacy transparent-payload (`enc_*`) attributes.
const PASSTHRU: &[(&str, Rule)] = &[
    ("ppt_scheme", Rule::Str),
    (
        "ppt_serializer",
        Rule::Extensible(&["native", "json", "msgpack", "cbor", "flatbuffers", "ubjson"]),
    ),
    (
        "ppt_cipher",
        Rule::Extensible(&["xsalsa20poly1305", "aes256gcm"]),
    ),
    ("ppt_keyid", Rule::Str),
    ("enc_algo", Rule::Extensible(&["cryptobox", "mqtt", "xbr"])),
    (
        "enc_serializer",
        Rule::Extensible(&["json", "msgpack", "cbor", "ubjson", "opaque", "flatbuffers"]),
    ),
    ("enc_key", Rule::Str),
];

pub(crate) const HELLO_DETAILS: &[(&str, Rule)] = &[
    ("roles", Rule::Dict),
    ("authmethods", Rule::StrList),
    ("authid", Rule::Str),
    ("authextra", Rule::Dict),
    ("agent", Rule::Str),
];
pub(crate) const WELCOME_DETAILS: &[(&str, Rule)] = &[
    ("roles", Rule::Dict),
    ("authid", Rule::Str),
    ("authrole", Rule::Str),
    ("authmethod", Rule::Str),
    ("authprovider", Rule::Str),
    ("authextra", Rule::Dict),
    ("agent", Rule::Str),
];
pub(crate) const CLOSE_DETAILS: &[(&str, Rule)] = &[("message", Rule::Str)];
pub(crate) const PUBLISH_OPTIONS: &[(&str, Rule)] = &[
    ("acknowledge", Rule::Bool),
    ("exclude_me", Rule::Bool),
    ("exclude", Rule::IdList),
    ("exclude_authid", Rule::StrList),
    ("exclude_authrole", Rule::StrList),
    ("eligible", Rule::IdList),
    ("eligible_authid", Rule::StrList),
    ("eligible_authrole", Rule::StrList),
    ("retain", Rule::Bool),
    ("disclose_me", Rule::Bool),
    ("transaction_hash", Rule::Str),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const SUBSCRIBE_OPTIONS: &[(&str, Rule)] = &[
    ("match", MATCH),
    ("get_retained", Rule::Bool),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const EVENT_DETAILS: &[(&str, Rule)] = &[
    ("publisher", Rule::Id),
    ("publisher_authid", Rule::Str),
    ("publisher_authrole", Rule::Str),
    ("topic", Rule::Uri),
    ("retained", Rule::Bool),
    ("transaction_hash", Rule::Str),
    ("x_acknowledged_delivery", Rule::Bool),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const CALL_OPTIONS: &[(&str, Rule)] = &[
    ("timeout", Rule::UInt),
    ("receive_progress", Rule::Bool),
    ("disclose_me", Rule::Bool),
    ("progress", Rule::Bool),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const CANCEL_OPTIONS: &[(&str, Rule)] = &[("mode", CANCEL_MODE)];
pub(crate) const INTERRUPT_OPTIONS: &[(&str, Rule)] =
    &[("mode", CANCEL_MODE), ("reason", Rule::Str)];
pub(crate) const RESULT_DETAILS: &[(&str, Rule)] = &[("progress", Rule::Bool)];
pub(crate) const REGISTER_OPTIONS: &[(&str, Rule)] = &[
    ("match", MATCH),
    ("invoke", INVOKE),
    ("disclose_caller", Rule::Bool),
    ("concurrency", Rule::UInt),
    ("force_reregister", Rule::Bool),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const INVOCATION_DETAILS: &[(&str, Rule)] = &[
    ("caller", Rule::Id),
    ("caller_authid", Rule::Str),
    ("caller_authrole", Rule::Str),
    ("procedure", Rule::Uri),
    ("receive_progress", Rule::Bool),
    ("progress", Rule::Bool),
    ("timeout", Rule::UInt),
    ("forward_for", Rule::ForwardFor),
];
pub(crate) const YIELD_OPTIONS: &[(&str, Rule)] = &[("progress", Rule::Bool)];
pub(crate) const UNSUBSCRIBED_DETAILS: &[(&str, Rule)] =
    &[("subscription", Rule::Id), ("reason", Rule::Str)];
pub(crate) const UNREGISTERED_DETAILS: &[(&str, Rule)] =
    &[("registration", Rule::Id), ("reason", Rule::Str)];
pub(crate) const NO_RULES: &[(&str, Rule)] = &[];

/// Checks every known key of `dict`; on failure, names `<where_>.<key>` and what was expected.
pub(crate) fn check(
    dict: &Dict,
    where_: &str,
    rules: &[(&str, Rule)],
    passthru: bool,
) -> Result<(), String> {
    let extra = if passthru { PASSTHRU } else { &[] };
    for (key, rule) in rules.iter().chain(extra) {
        if let Some(value) = dict.get(*key) {
            check_value(value, *rule).map_err(|expected| {
                format!(
                    "{where_}.{key} must be {expected}, found {}",
                    describe(value)
                )
            })?;
        }
    }
    Ok(())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Text(t) => format!("\"{}\"", t.chars().take(40).collect::<String>()),
        other => kind(other).to_owned(),
    }
}

fn check_value(value: &Value, rule: Rule) -> Result<(), &'static str> {
    let ok = match rule {
        Rule::Bool => matches!(value, Value::Bool(_)),
        Rule::Id => as_u64(value).is_some_and(is_valid_id),
        Rule::UInt => as_u64(value).is_some(),
        Rule::Str => matches!(value, Value::Text(_)),
        Rule::Uri => matches!(value, Value::Text(t) if uri::is_valid(t, uri::UriCheck::Loose)),
        Rule::Dict => matches!(value, Value::Map(_)),
        Rule::IdList => matches!(value, Value::Array(items)
            if items.iter().all(|i| as_u64(i).is_some_and(is_valid_id))),
        Rule::StrList => {
            matches!(value, Value::Array(items) if items.iter().all(|i| matches!(i, Value::Text(_))))
        }
        Rule::ForwardFor => {
            matches!(value, Value::Array(items) if items.iter().all(forward_for_entry))
        }
        Rule::OneOf(allowed) => matches!(value, Value::Text(t) if allowed.contains(&t.as_str())),
        Rule::Extensible(allowed) => matches!(value, Value::Text(t)
            if allowed.contains(&t.as_str()) || (t.starts_with("x_") && t.len() > 2)),
    };
    if ok {
        return Ok(());
    }
    Err(match rule {
        Rule::Bool => "a bool",
        Rule::Id => "an ID in 1..=2^53",
        Rule::UInt => "a non-negative integer",
        Rule::Str => "a string",
        Rule::Uri => "a valid URI",
        Rule::Dict => "a dict",
        Rule::IdList => "a list of IDs",
        Rule::StrList => "a list of strings",
        Rule::ForwardFor => "a list of {session, authid, authrole} dicts",
        Rule::OneOf(_) | Rule::Extensible(_) => "one of the values the spec defines",
    })
}

fn forward_for_entry(entry: &Value) -> bool {
    let Value::Map(fields) = entry else {
        return false;
    };
    fields.iter().all(|(k, v)| match k.as_text() {
        Some("session") => as_u64(v).is_some_and(is_valid_id),
        Some("authid") | Some("authrole") => matches!(v, Value::Text(_)),
        Some(_) => true,
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, Value)]) -> Dict {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn names_the_offending_key() {
        let d = dict(&[("acknowledge", Value::from(1))]);
        let err = check(&d, "PUBLISH.Options", PUBLISH_OPTIONS, true).unwrap_err();
        assert!(err.contains("PUBLISH.Options.acknowledge"), "{err}");
    }

    #[test]
    fn unknown_keys_are_ignored_and_custom_values_allowed() {
        let d = dict(&[
            ("_vendor", Value::from(1)),
            ("enc_algo", Value::from("x_mine")),
        ]);
        assert!(check(&d, "PUBLISH.Options", PUBLISH_OPTIONS, true).is_ok());
        let d = dict(&[("enc_algo", Value::from("invalid"))]);
        assert!(check(&d, "PUBLISH.Options", PUBLISH_OPTIONS, true).is_err());
    }
}
