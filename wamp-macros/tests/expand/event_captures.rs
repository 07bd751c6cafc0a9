#[derive(WampEvent)]
#[wamp(topic = "com.example.room.{room}.said")]
pub struct Said {
    pub room: String,
    pub text: String,
}
