// A method's name gives an invalid URI component.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    #[wamp(name = "add-two")]
    async fn add(&self, a: i64) -> i64;
}
fn main() {}
