// A service method takes `&mut self`, but invocations run concurrently.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn add(&mut self, a: i64) -> i64;
}
fn main() {}
