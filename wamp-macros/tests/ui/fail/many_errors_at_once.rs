// Several problems in one service: every one is reported, each at its token.
#[wamp_core::wamp_service(prefix = "com.app", version = 2)]
trait Calc {
    fn add(&self, a: i64) -> i64;
    async fn sub(self, a: i64) -> i64;
    #[wamp(name = "Mul")]
    async fn mul(&self, a: &i64) -> i64;
    const LIMIT: u32;
}
fn main() {}
