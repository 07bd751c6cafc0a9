// An error variant has no URI and the enum no prefix.
#[derive(Debug, wamp_core::WampError)]
enum E {
    #[wamp(uri = "com.app.error.a")]
    A,
    B,
}
fn main() {}
