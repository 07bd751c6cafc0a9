//! A stream parameter takes every argument of the call: it must be alone, and a method takes a
//! stream or answers one, not both.
use futures::Stream;
use wamp_core::wamp_service;

#[wamp_service(prefix = "com.up")]
trait Up {
    async fn two(&self, name: String, items: impl Stream<Item = i64>) -> i64;
    async fn both(&self, items: impl Stream<Item = i64>) -> impl Stream<Item = i64>;
    async fn keyword(&self, #[wamp(kwarg)] items: impl Stream<Item = i64>) -> i64;
}

fn main() {}
