// `Result` is written without its error type.
type Result<T> = std::result::Result<T, String>;
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn add(&self, a: i64) -> Result<i64>;
}
fn main() {}
