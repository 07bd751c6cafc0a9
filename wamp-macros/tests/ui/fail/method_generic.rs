// A service method is generic.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Store {
    async fn put<T: serde::Serialize>(&self, value: T);
}
fn main() {}
