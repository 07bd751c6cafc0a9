// A method's error type does not derive `WampError`, so it cannot travel.
#[derive(Debug)]
struct Plain;
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn add(&self, a: i64) -> Result<i64, Plain>;
}
fn main() {}
