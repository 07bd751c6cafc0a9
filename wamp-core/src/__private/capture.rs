//! Typed URI captures: a `{name}` component of a procedure URI is a parameter. The caller
//! writes the value into the component, the dealer matches it as a wildcard, and the callee
//! reads it back from the procedure called (`INVOCATION.Details.procedure`).
//!
//! A component holds text without `.`, `#` or whitespace, so a capture travels as text: a
//! string as it is, an integer or a boolean written out. Floats, `null` and compound values
//! cannot be a component; a string that holds `.`, `#` or whitespace, or is empty, cannot
//! either. Both fail the call before it is sent.

use super::{ArgsBuilder, Codec};
use crate::error::{uris, WampError};
use crate::value::{Value, ValueError};

impl ArgsBuilder {
    /// Appends the capture `name` (`value`) to `uri` as one component; a value that is no
    /// component is this call's error.
    pub fn capture<T>(&mut self, uri: &mut String, name: &str, value: &T, codec: Codec<T>) {
        match (codec.to_value)(value).and_then(|v| component(name, v)) {
            Ok(text) => uri.push_str(&text),
            Err(e) => self.fail(e),
        }
    }
}

/// The text of a capture's value.
fn component(name: &str, value: Value) -> Result<String, ValueError> {
    let text = match value {
        Value::Text(text) => text,
        Value::Integer(i) => i128::from(i).to_string(),
        Value::Bool(b) => b.to_string(),
        other => {
            return Err(ValueError(format!(
                "capture `{name}`: a URI component is a string, an integer or a boolean, not {}",
                kind(&other)
            )))
        }
    };
    if text.is_empty() {
        return Err(ValueError(format!(
            "capture `{name}`: a URI component cannot be empty"
        )));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| *c == '.' || *c == '#' || c.is_whitespace())
    {
        return Err(ValueError(format!(
            "capture `{name}`: {text:?} cannot be a URI component ({bad:?} is not allowed in one)"
        )));
    }
    Ok(text)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Float(_) => "a float",
        Value::Bytes(_) => "bytes",
        Value::Array(_) => "an array",
        Value::Map(_) => "a map",
        _ => "a tagged value",
    }
}

/// Decodes the capture `name` from component `index` of `procedure` (the URI called). The
/// text is read as the integer or boolean it spells when the parameter's type takes one, else
/// as a string: `"42"` is `42` for an `u64` and `"42"` for a `String`.
pub fn capture<T>(
    procedure: &str,
    index: usize,
    name: &str,
    codec: Codec<T>,
) -> Result<T, WampError> {
    let invalid = |message: String| {
        WampError::with_message(
            uris::INVALID_ARGUMENT,
            format!("capture `{name}`: {message}"),
        )
    };
    let text = procedure
        .split('.')
        .nth(index)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| invalid(format!("`{procedure}` has no component {index}")))?;
    let spelled = if let Ok(i) = text.parse::<i64>() {
        Some(Value::from(i))
    } else if let Ok(u) = text.parse::<u64>() {
        Some(Value::from(u))
    } else {
        text.parse::<bool>().ok().map(Value::Bool)
    };
    if let Some(Ok(value)) = spelled.map(|v| (codec.from_value)(&v)) {
        return Ok(value);
    }
    (codec.from_value)(&Value::Text(text.to_owned())).map_err(|e| invalid(e.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::wire;

    #[test]
    fn values_become_components_and_come_back() {
        let mut args = ArgsBuilder::new();
        let mut uri = String::from("com.app.user.");
        args.capture(&mut uri, "id", &42u64, wire::<u64>());
        uri.push_str(".room.");
        args.capture(&mut uri, "room", &"lobby".to_owned(), wire::<String>());
        assert!(args.finish().is_ok());
        assert_eq!(uri, "com.app.user.42.room.lobby");
        assert_eq!(capture(&uri, 3, "id", wire::<u64>()).unwrap(), 42);
        assert_eq!(capture(&uri, 3, "id", wire::<String>()).unwrap(), "42");
        assert_eq!(capture(&uri, 5, "room", wire::<String>()).unwrap(), "lobby");
        assert_eq!(capture("a.-7", 1, "n", wire::<i32>()).unwrap(), -7);
        assert!(capture("a.true", 1, "b", wire::<bool>()).unwrap());
    }

    #[test]
    fn what_is_no_component_fails_the_call() {
        for (value, problem) in [("a.b", "'.'"), ("a b", "' '"), ("", "empty"), ("x#", "'#'")] {
            let mut args = ArgsBuilder::new();
            let mut uri = String::new();
            args.capture(&mut uri, "id", &value.to_owned(), wire::<String>());
            let error = args.finish().unwrap_err().0;
            assert!(error.contains(problem), "{value:?}: {error}");
        }
        let mut args = ArgsBuilder::new();
        args.capture(&mut String::new(), "x", &1.5f64, wire::<f64>());
        assert!(args.finish().unwrap_err().0.contains("not a float"));
        let mut args = ArgsBuilder::new();
        args.capture(&mut String::new(), "x", &None::<u8>, wire::<Option<u8>>());
        assert!(args.finish().unwrap_err().0.contains("not null"));
    }

    #[test]
    fn a_component_that_does_not_decode_is_invalid_argument() {
        let error = capture("com.app.user.bob.get", 3, "id", wire::<u64>()).unwrap_err();
        assert_eq!(error.uri, uris::INVALID_ARGUMENT);
        assert!(format!("{error:?}").contains("capture `id`"), "{error:?}");
        let error = capture("com.app", 5, "id", wire::<u64>()).unwrap_err();
        assert!(format!("{error:?}").contains("no component 5"), "{error:?}");
    }
}
