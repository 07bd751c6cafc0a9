// A parameter is borrowed, so it cannot be decoded from the call's arguments.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Greeter {
    async fn greet(&self, name: &str) -> String;
}
fn main() {}
