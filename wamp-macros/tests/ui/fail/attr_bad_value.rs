// A match policy and an invocation policy that do not exist, and a zero timeout.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    #[wamp(match = "regex")]
    async fn add(&self, a: i64) -> i64;
    #[wamp(invoke = "fastest", timeout_ms = 0)]
    async fn sub(&self, a: i64) -> i64;
}
fn main() {}
