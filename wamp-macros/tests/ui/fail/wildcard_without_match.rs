// A URI with an empty component needs `match = "wildcard"`.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Sensors {
    #[wamp(uri = "com.app..read")]
    async fn read(&self) -> f64;
}
fn main() {}
