// An event's topic is not strict and its payload mode does not fit a tuple struct.
#[derive(wamp_core::WampEvent)]
#[wamp(topic = "com.app.Moved", payload = "kwargs")]
struct Moved(i64);
fn main() {}
