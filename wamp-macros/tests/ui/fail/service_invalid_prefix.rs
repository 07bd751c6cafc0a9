// The prefix is not a strict URI (upper-case letter).
#[wamp_core::wamp_service(prefix = "com.App")]
trait Calc {
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
