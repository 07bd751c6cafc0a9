// URI captures: the client method takes the captures as parameters and needs no `procedure`.
use std::convert::Infallible;

use wamp_core::typed::TypedCall;
use wamp_core::wamp_service;

#[wamp_service(prefix = "com.app")]
trait Users {
    /// A user's name.
    #[wamp(name = "user.{id}.name")]
    async fn name(&self, id: u64) -> String;
    /// Two captures and a keyword argument, under an absolute URI.
    #[wamp(uri = "org.shop.{shelf}.slot.{slot}", match = "wildcard")]
    async fn slot(&self, shelf: String, slot: u8, #[wamp(kwarg)] label: Option<String>) -> String;
}

fn calls(client: &UsersClient) -> (TypedCall<String, Infallible>, TypedCall<String, Infallible>) {
    (client.name(7), client.slot("top".into(), 3, None))
}

fn main() {
    use wamp_core::typed::ServiceClient as _;
    let _ = calls;
    assert_eq!(UsersClient::PROCEDURES, ["com.app.user..name", "org.shop..slot."]);
}
