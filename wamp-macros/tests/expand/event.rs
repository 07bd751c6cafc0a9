#[derive(WampEvent)]
#[wamp(topic = "com.example.moved", payload = "args")]
pub struct Moved {
    pub x: i64,
    pub y: i64,
}
