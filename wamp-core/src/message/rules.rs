//! The types the spec gives to the known keys of `Options`, `Details` and `Extra` dictionaries.
//!
//! Unknown keys are ignored, as the spec requires; a known key with a value of the wrong type is
//! a protocol violation that names the key.

use crate::uri;
use crate::value::{as_u64, kind, Dict, Value};

use super::is_valid_id;
use super::keys;
use super::policy::{is_extension, CancelMode, InvokePolicy, MatchPolicy};

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
    /// One of the listed strings or an implementation-specific `x_...` value.
    Extensible(&'static [&'static str]),
}

// `match`, `invoke` and `mode`: a value the spec defines, or an implementation-specific `x_...`
// one, which the receiver answers rather than aborts (see `policy`); anything else is malformed.
const MATCH: Rule = Rule::Extensible(MatchPolicy::NAMES);
const INVOKE: Rule = Rule::Extensible(InvokePolicy::NAMES);
const CANCEL_MODE: Rule = Rule::Extensible(CancelMode::NAMES);

/// Payload passthru (`ppt_*`) and the legacy transparent-payload (`enc_*`) attributes.
const PASSTHRU: &[(&str, Rule)] = &[
    (keys::PPT_SCHEME, Rule::Str),
    (
        "ppt_serializer",
        Rule::Extensible(&["native", "json", "msgpack", "cbor", "flatbuffers", "ubjson"]),
    ),
    (
        "ppt_cipher",
        Rule::Extensible(&["xsalsa20poly1305", "aes256gcm"]),
    ),
    (keys::PPT_KEYID, Rule::Str),
    (
        keys::ENC_ALGO,
        Rule::Extensible(&["cryptobox", "mqtt", "xbr"]),
    ),
    (
        "enc_serializer",
        Rule::Extensible(&["json", "msgpack", "cbor", "ubjson", "opaque", "flatbuffers"]),
    ),
    (keys::ENC_KEY, Rule::Str),
];

pub(crate) const HELLO_DETAILS: &[(&str, Rule)] = &[
    (keys::ROLES, Rule::Dict),
    (keys::AUTHMETHODS, Rule::StrList),
    (keys::AUTHID, Rule::Str),
    (keys::AUTHEXTRA, Rule::Dict),
    (keys::AGENT, Rule::Str),
];
pub(crate) const WELCOME_DETAILS: &[(&str, Rule)] = &[
    (keys::ROLES, Rule::Dict),
    (keys::AUTHID, Rule::Str),
    (keys::AUTHROLE, Rule::Str),
    (keys::AUTHMETHOD, Rule::Str),
    (keys::AUTHPROVIDER, Rule::Str),
    (keys::AUTHEXTRA, Rule::Dict),
    (keys::AGENT, Rule::Str),
];
pub(crate) const CLOSE_DETAILS: &[(&str, Rule)] = &[(keys::MESSAGE, Rule::Str)];
pub(crate) const PUBLISH_OPTIONS: &[(&str, Rule)] = &[
    (keys::ACKNOWLEDGE, Rule::Bool),
    (keys::EXCLUDE_ME, Rule::Bool),
    (keys::EXCLUDE, Rule::IdList),
    (keys::EXCLUDE_AUTHID, Rule::StrList),
    (keys::EXCLUDE_AUTHROLE, Rule::StrList),
    (keys::ELIGIBLE, Rule::IdList),
    (keys::ELIGIBLE_AUTHID, Rule::StrList),
    (keys::ELIGIBLE_AUTHROLE, Rule::StrList),
    (keys::RETAIN, Rule::Bool),
    (keys::DISCLOSE_ME, Rule::Bool),
    (keys::TRANSACTION_HASH, Rule::Str),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const SUBSCRIBE_OPTIONS: &[(&str, Rule)] = &[
    (keys::MATCH, MATCH),
    (keys::GET_RETAINED, Rule::Bool),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const EVENT_DETAILS: &[(&str, Rule)] = &[
    (keys::PUBLISHER, Rule::Id),
    (keys::PUBLISHER_AUTHID, Rule::Str),
    (keys::PUBLISHER_AUTHROLE, Rule::Str),
    (keys::TOPIC, Rule::Uri),
    (keys::RETAINED, Rule::Bool),
    (keys::TRANSACTION_HASH, Rule::Str),
    (keys::X_ACKNOWLEDGED_DELIVERY, Rule::Bool),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const CALL_OPTIONS: &[(&str, Rule)] = &[
    (keys::TIMEOUT, Rule::UInt),
    (keys::RECEIVE_PROGRESS, Rule::Bool),
    (keys::DISCLOSE_ME, Rule::Bool),
    (keys::PROGRESS, Rule::Bool),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const CANCEL_OPTIONS: &[(&str, Rule)] = &[(keys::MODE, CANCEL_MODE)];
pub(crate) const INTERRUPT_OPTIONS: &[(&str, Rule)] =
    &[(keys::MODE, CANCEL_MODE), ("reason", Rule::Str)];
pub(crate) const RESULT_DETAILS: &[(&str, Rule)] = &[(keys::PROGRESS, Rule::Bool)];
pub(crate) const REGISTER_OPTIONS: &[(&str, Rule)] = &[
    (keys::MATCH, MATCH),
    (keys::INVOKE, INVOKE),
    (keys::DISCLOSE_CALLER, Rule::Bool),
    (keys::CONCURRENCY, Rule::UInt),
    (keys::FORCE_REREGISTER, Rule::Bool),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const INVOCATION_DETAILS: &[(&str, Rule)] = &[
    (keys::CALLER, Rule::Id),
    (keys::CALLER_AUTHID, Rule::Str),
    (keys::CALLER_AUTHROLE, Rule::Str),
    (keys::PROCEDURE, Rule::Uri),
    (keys::RECEIVE_PROGRESS, Rule::Bool),
    (keys::PROGRESS, Rule::Bool),
    (keys::TIMEOUT, Rule::UInt),
    (keys::FORWARD_FOR, Rule::ForwardFor),
];
pub(crate) const YIELD_OPTIONS: &[(&str, Rule)] = &[(keys::PROGRESS, Rule::Bool)];
pub(crate) const UNSUBSCRIBED_DETAILS: &[(&str, Rule)] =
    &[(keys::SUBSCRIPTION, Rule::Id), ("reason", Rule::Str)];
pub(crate) const UNREGISTERED_DETAILS: &[(&str, Rule)] =
    &[(keys::REGISTRATION, Rule::Id), ("reason", Rule::Str)];
pub(crate) const NO_RULES: &[(&str, Rule)] = &[];

/// Checks every known key of `dict`; on failure, names `<message>.<field>.<key>` and what was
/// expected (formatted only then: the check runs on every message).
pub(crate) fn check(
    dict: &Dict,
    (message, field): (&str, &str),
    rules: &[(&str, Rule)],
    passthru: bool,
) -> Result<(), String> {
    let extra = if passthru { PASSTHRU } else { &[] };
    for (key, rule) in rules.iter().chain(extra) {
        if let Some(value) = dict.get(*key) {
            check_value(value, *rule).map_err(|expected| {
                format!(
                    "{message}.{field}.{key} must be {expected}, found {}",
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
        Rule::Extensible(allowed) => matches!(value, Value::Text(t)
            if allowed.contains(&t.as_str()) || is_extension(t)),
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
        Rule::Extensible(_) => "one of the values the spec defines",
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
        let d = dict(&[(keys::ACKNOWLEDGE, Value::from(1))]);
        let err = check(&d, ("PUBLISH", "Options"), PUBLISH_OPTIONS, true).unwrap_err();
        assert!(err.contains("PUBLISH.Options.acknowledge"), "{err}");
    }

    #[test]
    fn unknown_keys_are_ignored_and_custom_values_allowed() {
        let d = dict(&[
            ("_vendor", Value::from(1)),
            (keys::ENC_ALGO, Value::from("x_mine")),
        ]);
        assert!(check(&d, ("PUBLISH", "Options"), PUBLISH_OPTIONS, true).is_ok());
        let d = dict(&[(keys::ENC_ALGO, Value::from("invalid"))]);
        assert!(check(&d, ("PUBLISH", "Options"), PUBLISH_OPTIONS, true).is_err());
    }
}
