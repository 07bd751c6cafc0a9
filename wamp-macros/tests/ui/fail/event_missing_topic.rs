// An event type has no topic.
#[derive(serde::Serialize, serde::Deserialize, wamp_core::WampEvent)]
struct Moved { x: i64 }
fn main() {}
