// Two error variants map to the same URI.
#[derive(Debug, wamp_core::WampError)]
#[wamp(prefix = "com.app.error")]
enum E {
    NotFound,
    #[wamp(uri = "com.app.error.not_found")]
    Missing,
}
fn main() {}
