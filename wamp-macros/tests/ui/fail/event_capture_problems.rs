// Topic captures: each names a field of a struct sent as kwargs, under the field's own name.
use wamp_core::WampEvent;

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.app.room.{room}.said")]
struct Unbound {
    text: String,
}

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.app.room.{room}.said")]
struct Positional(String, String);

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.app.room.{room}.said")]
struct Renamed {
    #[serde(rename = "where")]
    room: String,
    text: String,
}

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.app.room_{room}.said")]
struct Partial {
    room: String,
}

fn main() {}
