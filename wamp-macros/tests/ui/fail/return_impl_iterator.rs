// A method returns `impl Iterator`; only `impl Stream` (progressive results) is supported.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Counter {
    async fn count(&self, to: u32) -> impl Iterator<Item = u32>;
}
fn main() {}
