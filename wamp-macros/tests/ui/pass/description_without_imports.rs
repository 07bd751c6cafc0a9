//! `FooClient::description()` needs no trait import; the prelude gives the rest in one `use`.
mod plain {
    #[wamp_core::wamp_service(prefix = "com.plain")]
    pub trait Plain {
        async fn ping(&self) -> String;
    }
}

mod with_prelude {
    use wamp_core::prelude::*;

    #[derive(Debug, WampError)]
    #[wamp(prefix = "com.prelude.error")]
    pub enum Oops {
        Failed,
    }

    #[wamp_service(prefix = "com.prelude")]
    pub trait Preluded {
        async fn try_it(&self, ctx: Context) -> Result<(), Oops>;
    }

    pub fn prefix() -> &'static str {
        <PreludedClient as ServiceClient>::PREFIX
    }
}

fn main() {
    let description = plain::PlainClient::description();
    assert_eq!(description.prefix, "com.plain");
    assert_eq!(with_prelude::PreludedClient::description().procedures.len(), 1);
    assert_eq!(with_prelude::prefix(), "com.prelude");
}
