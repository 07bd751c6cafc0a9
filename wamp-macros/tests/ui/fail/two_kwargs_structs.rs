// Two parameters claim to be the whole kwargs dictionary.
#[derive(serde::Serialize, serde::Deserialize)]
struct A { x: i64 }
#[wamp_core::wamp_service(prefix = "com.app")]
trait Calc {
    async fn both(&self, #[wamp(kwargs)] a: A, #[wamp(kwargs)] b: A) -> i64;
}
fn main() {}
