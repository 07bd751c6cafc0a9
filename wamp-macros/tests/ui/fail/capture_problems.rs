// Every way a URI capture can be wrong, each reported at the URI or the parameter.
#[wamp_core::wamp_service(prefix = "com.app")]
trait Users {
    // A capture is a whole component.
    #[wamp(name = "user_{id}.get")]
    async fn partial(&self, id: u64) -> String;
    // Each capture fills a parameter.
    #[wamp(name = "user.{id}.name")]
    async fn unbound(&self, user: u64) -> String;
    // A name appears once.
    #[wamp(name = "pair.{a}.{a}")]
    async fn twice(&self, a: u64) -> String;
    // A capture is a wildcard component: a prefix registration cannot have one.
    #[wamp(name = "room.{room}", match = "prefix")]
    async fn prefixed(&self, room: String) -> String;
    // The client fills in every component, so no other may be empty.
    #[wamp(name = "shelf..{slot}", match = "wildcard")]
    async fn gap(&self, slot: u8) -> String;
    // A capture's parameter is neither a keyword nor the context.
    #[wamp(name = "box.{size}")]
    async fn keyword(&self, #[wamp(kwarg)] size: u8) -> String;
}
fn main() {}
