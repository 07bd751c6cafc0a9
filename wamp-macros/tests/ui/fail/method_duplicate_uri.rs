// Two methods map to the same procedure URI.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn add(&self, a: i64) -> i64;
    #[wamp(name = "add")]
    async fn plus(&self, a: i64) -> i64;
}
fn main() {}
