// `#[subscribe]` on a method needs `#[event_handlers]` on the impl block.
#[derive(serde::Serialize, serde::Deserialize, wamp_core::WampEvent)]
#[wamp(topic = "com.app.moved")]
struct Moved { x: i64 }
struct H;
impl H {
    #[wamp_core::subscribe]
    async fn on_moved(&self, event: Moved) {}
}
fn main() {}
