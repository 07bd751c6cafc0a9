// The service has no prefix.
#[wamp_core::wamp_service]
trait Calc {
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
