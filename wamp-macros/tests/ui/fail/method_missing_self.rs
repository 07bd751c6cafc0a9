// A service method has no `&self`.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn add(a: i64) -> i64;
}
fn main() {}
