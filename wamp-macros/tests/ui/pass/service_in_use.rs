//! A service implemented, served and called, and events published and subscribed (type-checked
//! only: the run-time tests are in the `wamp-tests` crate).
use futures::StreamExt as _;
use wamp_core::typed::{CallError, ServiceClient};
use wamp_core::{wamp_service, Session, WampError};

#[derive(Debug, PartialEq, WampError)]
#[wamp(uri = "com.use.error.not_found")]
pub struct NotFound {
    pub id: u64,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no item {}", self.id)
    }
}

impl std::error::Error for NotFound {}

#[wamp_service(prefix = "com.use")]
pub trait Store {
    async fn get(&self, id: u64) -> Result<String, NotFound>;
    async fn all(&self) -> impl futures::Stream<Item = String>;
    async fn untyped(&self) -> Result<(), wamp_core::WampError>;
}

struct Mem;

impl Store for Mem {
    async fn get(&self, id: u64) -> Result<String, NotFound> {
        Err(NotFound { id })
    }
    async fn all(&self) -> impl futures::Stream<Item = String> {
        futures::stream::empty()
    }
    async fn untyped(&self) -> Result<(), wamp_core::WampError> {
        Err(wamp_core::WampError::new("com.use.error.other"))
    }
}

#[allow(dead_code)]
async fn demo(session: Session) -> Result<(), Box<dyn std::error::Error>> {
    let handle = Mem.serve(&session).await?;
    let store = StoreClient::from_session(session.clone());
    match store.get(7).await {
        Err(CallError::Service(NotFound { id: 7 })) => {}
        Err(other) => return Err(other.into()),
        Ok(_) => {}
    }
    let mut all = store.all().await?;
    while let Some(item) = all.next().await {
        let _: String = item?;
    }
    handle.unregister().await?;
    Ok(())
}

fn main() {}
