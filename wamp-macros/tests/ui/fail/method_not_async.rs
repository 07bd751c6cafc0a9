// A service method is not async.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    fn add(&self, a: i64) -> i64;
}
fn main() {}
