// An event is declared twice with the service, and a service trait is generic.
#[derive(serde::Serialize, serde::Deserialize, wamp_core::WampEvent)]
#[wamp(topic = "com.app.moved")]
struct Moved { x: i64 }
#[wamp_core::wamp_service(prefix = "com.app", events(Moved, Moved))]
trait Calc<T> {
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
