// `idempotent` is a flag: it takes no value.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Store {
    #[wamp(idempotent = true)]
    async fn get(&self, key: String) -> String;
}
fn main() {}
