//! The application payload of a message: positional and keyword arguments, or passthru bytes.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::value::{self, Dict, Value, ValueError};

/// The application payload of a message: arguments, or an opaque passthru payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Positional and keyword arguments; both may be empty.
    Arguments(Arguments),
    /// An opaque payload in Payload Passthru Mode (the router does not look inside it). The
    /// `ppt_*` (or legacy `enc_*`) attributes of the message's `Options`/`Details` describe it.
    Passthru(Vec<u8>),
}

impl Default for Payload {
    fn default() -> Self {
        Payload::Arguments(Arguments::default())
    }
}

impl Payload {
    /// Splits into the arguments (empty for a passthru payload) and the passthru bytes, if any.
    pub fn into_parts(self) -> (Arguments, Option<Vec<u8>>) {
        match self {
            Payload::Arguments(a) => (a, None),
            Payload::Passthru(p) => (Arguments::default(), Some(p)),
        }
    }

    /// The arguments, or `None` for a passthru payload.
    pub fn arguments(&self) -> Option<&Arguments> {
        match self {
            Payload::Arguments(a) => Some(a),
            Payload::Passthru(_) => None,
        }
    }
}

impl From<Arguments> for Payload {
    fn from(a: Arguments) -> Self {
        Payload::Arguments(a)
    }
}

/// Positional (`Arguments|list`) and keyword (`ArgumentsKw|dict`) arguments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arguments {
    /// Positional arguments.
    pub args: Vec<Value>,
    /// Keyword arguments.
    pub kwargs: Dict,
}

impl Arguments {
    /// Arguments from a list and a dict.
    pub fn new(args: Vec<Value>, kwargs: Dict) -> Self {
        Self { args, kwargs }
    }

    /// Whether both lists are empty, so that the message omits them.
    pub fn is_empty(&self) -> bool {
        self.args.is_empty() && self.kwargs.is_empty()
    }

    /// Positional arguments from a serializable tuple, array or `Vec` (`()` for none).
    pub fn from_args<T: Serialize + ?Sized>(args: &T) -> std::result::Result<Self, ValueError> {
        Ok(Self {
            args: value::to_args(args)?,
            kwargs: Dict::new(),
        })
    }

    /// Keyword arguments from a serializable struct or map.
    pub fn from_kwargs<T: Serialize + ?Sized>(kwargs: &T) -> std::result::Result<Self, ValueError> {
        Ok(Self {
            args: Vec::new(),
            kwargs: value::to_kwargs(kwargs)?,
        })
    }

    /// A single positional argument: the usual shape of a procedure's return value.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> std::result::Result<Self, ValueError> {
        Ok(Self {
            args: vec![value::to_value(value)?],
            kwargs: Dict::new(),
        })
    }

    /// Adds keyword arguments from a serializable struct or map.
    pub fn with_kwargs<T: Serialize + ?Sized>(
        mut self,
        kwargs: &T,
    ) -> std::result::Result<Self, ValueError> {
        self.kwargs = value::to_kwargs(kwargs)?;
        Ok(self)
    }

    /// Decodes all positional arguments as one value: a tuple, a `Vec`, or a struct read in order.
    pub fn decode_args<T: DeserializeOwned>(&self) -> std::result::Result<T, ValueError> {
        value::from_value(&Value::Array(self.args.clone()))
    }

    /// Decodes the positional argument at `index`.
    pub fn decode_arg<T: DeserializeOwned>(
        &self,
        index: usize,
    ) -> std::result::Result<T, ValueError> {
        let arg = self.args.get(index).ok_or_else(|| {
            ValueError(format!(
                "expected at least {} positional argument(s), got {}",
                index + 1,
                self.args.len()
            ))
        })?;
        value::from_value(arg)
    }

    /// Decodes the keyword arguments as a struct or map.
    pub fn decode_kwargs<T: DeserializeOwned>(&self) -> std::result::Result<T, ValueError> {
        value::from_value(&value::dict_to_value(self.kwargs.clone()))
    }

    /// Decodes the single value a procedure returned: the first positional argument, or `()`-like
    /// unit when there is none.
    pub fn decode_value<T: DeserializeOwned>(&self) -> std::result::Result<T, ValueError> {
        value::from_value(self.args.first().unwrap_or(&Value::Null))
    }
}
