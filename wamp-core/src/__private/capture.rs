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
use crate::message::Arguments;
use crate::value::{Value, ValueError};

impl ArgsBuilder {
    /// Appends the capture `name` (`value`) to `uri` as one component; a value that is no
    /// component is this call's error.
    pub fn capture<T>(&mut self, uri: &mut String, name: &str, value: &T, codec: Codec<T>) {
        match capture_component(name, value, codec) {
            Ok(text) => uri.push_str(&text),
            Err(e) => self.fail(e),
        }
    }
}

/// The text of the capture `name` (`value`) as a URI component.
pub fn capture_component<T>(name: &str, value: &T, codec: Codec<T>) -> Result<String, ValueError> {
    (codec.to_value)(value).and_then(|v| component(name, v))
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
    capture_value(procedure, index, name, codec)
        .map_err(|e| WampError::with_message(uris::INVALID_ARGUMENT, e.0))
}

/// [`capture`], failing with a decoding error.
fn capture_value<T>(uri: &str, index: usize, name: &str, codec: Codec<T>) -> Result<T, ValueError> {
    let invalid = |message: String| ValueError(format!("capture `{name}`: {message}"));
    let text = uri
        .split('.')
        .nth(index)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| invalid(format!("`{uri}` has no component {index}")))?;
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

/// A received event's arguments with its captures' fields filled in from the topic.
#[derive(Debug)]
pub struct Captured<'a> {
    received: &'a Arguments,
    filled: Option<Arguments>,
}

impl<'a> Captured<'a> {
    /// The arguments as received.
    pub fn new(received: &'a Arguments) -> Self {
        Self {
            received,
            filled: None,
        }
    }

    /// Reads the capture `name` from component `index` of `topic` into the keyword `name`,
    /// unless the payload has it already, in which case both must agree.
    pub fn capture<T>(
        &mut self,
        topic: &str,
        index: usize,
        name: &str,
        codec: Codec<T>,
    ) -> Result<(), ValueError> {
        let value = (codec.to_value)(&capture_value(topic, index, name, codec)?)?;
        match self.arguments().kwargs.get(name) {
            None => {
                self.filled
                    .get_or_insert_with(|| self.received.clone())
                    .kwargs
                    .insert(name.to_owned(), value);
                Ok(())
            }
            Some(sent) if *sent == value => Ok(()),
            Some(_) => Err(ValueError(format!(
                "capture `{name}`: the payload disagrees with the topic `{topic}`"
            ))),
        }
    }

    /// The arguments to decode.
    pub fn arguments(&self) -> &Arguments {
        self.filled.as_ref().unwrap_or(self.received)
    }
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

    #[test]
    fn an_event_gets_its_captures_from_the_topic() {
        let topic = "com.app.room.lobby.message";
        let mut sent = Arguments::default();
        sent.kwargs.insert("text".into(), Value::Text("hi".into()));
        let mut captured = Captured::new(&sent);
        captured
            .capture(topic, 3, "room", wire::<String>())
            .unwrap();
        assert_eq!(
            captured.arguments().kwargs.get("room"),
            Some(&Value::Text("lobby".into()))
        );
        // A payload that has the field already must agree with the topic.
        let agreeing = captured.arguments().clone();
        let mut again = Captured::new(&agreeing);
        again.capture(topic, 3, "room", wire::<String>()).unwrap();
        assert!(again.filled.is_none(), "nothing to fill in");
        let mut other = agreeing.clone();
        other
            .kwargs
            .insert("room".into(), Value::Text("attic".into()));
        let error = Captured::new(&other)
            .capture(topic, 3, "room", wire::<String>())
            .unwrap_err();
        assert!(error.to_string().contains("disagrees"), "{error}");
    }
}
