// A method attribute has a misspelled key.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    #[wamp(nmae = "plus")]
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
