// Loose URIs still follow the spec's MUST: no whitespace, no `#`, no empty component; and an
// unknown rule is refused.
#[wamp_core::wamp_service(prefix = "com.legacy", uri_check = "loose")]
trait Legacy {
    #[wamp(name = "get User")]
    async fn a(&self);
    #[wamp(uri = "com.legacy#b")]
    async fn b(&self);
    #[wamp(uri = "com..c")]
    async fn c(&self);
    #[wamp(uri_check = "lax")]
    async fn d(&self);
}
fn main() {}
