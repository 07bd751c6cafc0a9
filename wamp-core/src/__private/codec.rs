//! How the generated code reaches the user's types: each parameter, result and progress item
//! type through one [`wire`] codec, each error type through one [`errors`] table, each type in
//! a description through [`schema`]. The trait bound sits on these three functions only, and
//! the generated code calls each with the type's own span, so a type that is not
//! `Serialize + Deserialize`, not a `ServiceError` or not `JsonSchema` is one error, at the
//! type, whose message says what to add; the functions it feeds take plain function pointers
//! and add no error of their own.

use schemars::{JsonSchema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;

use crate::describe::ErrorTypeDescription;
use crate::error::WampError;
use crate::message::Arguments;
use crate::typed::{decode_result, ServiceError};
use crate::value::{self, Dict, Value, ValueError};

/// A parameter, result or progress item type: serde's `Serialize` and `Deserialize` (both,
/// since one trait makes the caller and the callee).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot travel in a WAMP message",
    label = "add `#[derive(serde::Serialize, serde::Deserialize)]` to `{Self}`",
    note = "a service's parameters and results are sent and received in their serde form, so they are `Serialize + DeserializeOwned`"
)]
pub trait Wire: Serialize + DeserializeOwned {}
impl<T: Serialize + DeserializeOwned> Wire for T {}

/// A type in a service's description: schemars' `JsonSchema`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no JSON Schema, which every type of a described WAMP service or event needs",
    label = "add `#[derive(schemars::JsonSchema)]` to `{Self}`",
    note = "services describe themselves with each type's JSON Schema: derive `JsonSchema` from schemars 1.x (or `wamp_core::schemars` with `#[schemars(crate = \"wamp_core::schemars\")]`)"
)]
pub trait Described: JsonSchema {}
impl<T: JsonSchema + ?Sized> Described for T {}

/// A service method's error type: `ServiceError`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a WAMP error type",
    label = "a service method's error type must implement `ServiceError`",
    note = "derive it with `#[derive(wamp_core::WampError)]`, or use `wamp_core::WampError` for untyped errors"
)]
pub trait ErrorType: ServiceError {}
impl<E: ServiceError> ErrorType for E {}

/// How values of `T` are written and read.
pub struct Codec<T> {
    /// `T` as a value.
    pub to_value: fn(&T) -> Result<Value, ValueError>,
    /// `T` from a value.
    pub from_value: fn(&Value) -> Result<T, ValueError>,
    /// `T` (a struct or map) as keyword arguments.
    pub to_kwargs: fn(&T) -> Result<Dict, ValueError>,
    /// `T` from a message's whole keyword arguments.
    pub from_kwargs: fn(&Arguments) -> Result<T, ValueError>,
    /// `T` from a RESULT's arguments (`args[0]`, else the kwargs).
    pub from_result: fn(&Arguments) -> Result<T, ValueError>,
}

impl<T> Clone for Codec<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Codec<T> {}

impl<T> std::fmt::Debug for Codec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Codec")
    }
}

/// The codec of a parameter, result or progress item type.
pub fn wire<T: Wire>() -> Codec<T> {
    Codec {
        to_value: |v| value::to_value(v),
        from_value: value::from_value,
        to_kwargs: |v| value::to_kwargs(v),
        from_kwargs: Arguments::decode_kwargs,
        from_result: decode_result,
    }
}

/// How a service's error type `E` becomes an ERROR and back, and describes itself.
pub struct Errors<E> {
    /// `E` as an ERROR.
    pub to_wamp: fn(&E) -> WampError,
    /// `E` from an ERROR: `None` when the URI is not one of its URIs.
    pub from_wamp: fn(&WampError) -> Option<Result<E, ValueError>>,
    /// `E`'s description.
    pub describe: fn(&mut SchemaGenerator) -> Option<ErrorTypeDescription>,
}

impl<E> Clone for Errors<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for Errors<E> {}

impl<E> std::fmt::Debug for Errors<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Errors")
    }
}

/// The table of a method's error type.
pub fn errors<E: ErrorType>() -> Errors<E> {
    Errors {
        to_wamp: E::to_wamp_error,
        from_wamp: E::from_wamp_error,
        describe: E::describe,
    }
}

/// The JSON Schema of a type in a description.
pub fn schema<T: Described + ?Sized>(gen: &mut SchemaGenerator) -> Json {
    crate::describe::build::schema_of::<T>(gen)
}
