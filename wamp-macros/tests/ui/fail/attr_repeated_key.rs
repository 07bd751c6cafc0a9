// A method attribute repeats a key.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    #[wamp(name = "plus", name = "sum")]
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
