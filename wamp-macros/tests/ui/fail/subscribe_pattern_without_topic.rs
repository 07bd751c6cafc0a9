// A match policy without a topic pattern, and an unknown key.
#[derive(serde::Serialize, serde::Deserialize, wamp_core::WampEvent)]
#[wamp(topic = "com.app.moved")]
struct Moved { x: i64 }
#[wamp_core::subscribe(match = "prefix", topc = "com.app")]
async fn on_moved(event: Moved) {}
fn main() {}
