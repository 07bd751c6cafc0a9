//! The generated code names everything by absolute path: it compiles without the prelude.
#![no_implicit_prelude]

#[derive(::std::fmt::Debug, ::wamp_core::WampError)]
#[wamp(prefix = "com.hygiene.error")]
pub enum HygieneError {
    Unit,
    Tuple(::std::string::String, u32),
    Named { field: ::std::vec::Vec<u8> },
}

#[derive(::serde::Serialize, ::serde::Deserialize, ::wamp_core::WampEvent)]
#[wamp(topic = "com.hygiene.event")]
pub struct Named {
    pub x: i64,
}

#[derive(::wamp_core::WampEvent)]
#[wamp(topic = "com.hygiene.positional")]
pub struct Positional(pub i64, pub ::std::string::String);

#[derive(::wamp_core::WampEvent)]
#[wamp(topic = "com.hygiene.unit")]
pub struct Unit;

#[derive(::serde::Serialize, ::serde::Deserialize, ::wamp_core::WampEvent)]
#[wamp(topic = "com.hygiene.choice")]
pub enum Choice {
    A,
    B(i64),
}

#[::wamp_core::wamp_service(prefix = "com.hygiene", events(Named, Positional))]
pub trait Hygiene {
    async fn add(&self, a: i64, b: i64) -> ::core::result::Result<i64, HygieneError>;
    async fn unit(&self);
    async fn maybe(&self, x: ::core::option::Option<i64>) -> ::core::option::Option<i64>;
    async fn stream(
        &self,
        n: u32,
    ) -> impl ::futures::Stream<Item = ::core::result::Result<u32, HygieneError>>;
    #[wamp(kwargs)]
    async fn kw(&self, ctx: ::wamp_core::typed::Context, name: ::std::string::String) -> u8;
}

struct Impl;

impl Hygiene for Impl {
    async fn add(&self, a: i64, b: i64) -> ::core::result::Result<i64, HygieneError> {
        ::core::result::Result::Ok(a + b)
    }
    async fn unit(&self) {}
    async fn maybe(&self, x: ::core::option::Option<i64>) -> ::core::option::Option<i64> {
        x
    }
    async fn stream(
        &self,
        n: u32,
    ) -> impl ::futures::Stream<Item = ::core::result::Result<u32, HygieneError>> {
        ::futures::stream::iter(::core::iter::Iterator::map(0..n, ::core::result::Result::Ok))
    }
    async fn kw(&self, _ctx: ::wamp_core::typed::Context, _name: ::std::string::String) -> u8 {
        0
    }
}

#[::wamp_core::subscribe]
async fn on_named(event: Named) {
    let _ = event.x;
}

struct Handlers;

#[::wamp_core::event_handlers]
impl Handlers {
    #[subscribe]
    async fn on_positional(&self, event: Positional, details: ::wamp_core::typed::EventDetails) {
        let _ = (event.0, details.topic);
    }
}

fn main() {
    let _ = Impl;
    let _ = on_named;
    let _ = Handlers;
}

// schemars' own derive is not hygienic under `no_implicit_prelude`, so these two say "any value"
// by hand; what is checked here is that our macros' code is.
impl ::wamp_core::schemars::JsonSchema for Named {
    fn schema_name() -> ::std::borrow::Cow<'static, str> {
        ::std::borrow::Cow::Borrowed("Named")
    }
    fn json_schema(_: &mut ::wamp_core::schemars::SchemaGenerator) -> ::wamp_core::schemars::Schema {
        ::std::default::Default::default()
    }
}

impl ::wamp_core::schemars::JsonSchema for Choice {
    fn schema_name() -> ::std::borrow::Cow<'static, str> {
        ::std::borrow::Cow::Borrowed("Choice")
    }
    fn json_schema(_: &mut ::wamp_core::schemars::SchemaGenerator) -> ::wamp_core::schemars::Schema {
        ::std::default::Default::default()
    }
}
