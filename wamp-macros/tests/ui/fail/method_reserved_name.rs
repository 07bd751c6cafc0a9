// `serve` is the name of the generated registration method.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Server {
    async fn serve(&self) -> String;
}
fn main() {}
