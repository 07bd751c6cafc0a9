//! Loose URIs, opted in explicitly: a whole service, one method of a strict service, an error
//! type and one variant, an event type and a handler's topic.
use wamp_core::{subscribe, wamp_service, WampError, WampEvent};

#[derive(Debug, WampError)]
#[wamp(prefix = "com.legacy.Errors", uri_check = "loose")]
pub enum LegacyError {
    NotFound,
    #[wamp(uri = "com.legacy.Errors.Gone-Away")]
    Gone,
}

#[derive(Debug, WampError)]
#[wamp(prefix = "com.app.error")]
pub enum MixedError {
    Strict,
    #[wamp(uri = "com.app.error.notStrict", uri_check = "loose")]
    Loose,
}

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.legacy.userChanged", uri_check = "loose")]
pub struct UserChanged {
    pub id: u64,
}

#[wamp_service(prefix = "com.legacy", uri_check = "loose", events(UserChanged))]
pub trait Legacy {
    #[wamp(name = "getUser")]
    async fn get_user(&self, id: u64) -> Result<String, LegacyError>;
}

#[wamp_service(prefix = "com.app")]
pub trait Mixed {
    async fn strict(&self) -> Result<(), MixedError>;
    #[wamp(uri = "com.Legacy.ping", uri_check = "loose")]
    async fn ping(&self);
}

#[subscribe(topic = "com.legacy.Users", match = "prefix", uri_check = "loose")]
async fn on_user(event: UserChanged) {
    let _ = event.id;
}

fn main() {
    use wamp_core::typed::ServiceClient;
    let legacy = LegacyClient::description();
    assert_eq!(legacy.procedures[0].uri, "com.legacy.getUser");
    assert_eq!(MixedClient::description().procedures[1].uri, "com.Legacy.ping");
}
