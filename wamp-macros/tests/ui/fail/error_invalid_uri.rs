// An error URI is not a strict URI.
#[derive(Debug, wamp_core::WampError)]
#[wamp(uri = "com.app.Error")]
struct NotFound { id: u64 }
fn main() {}
