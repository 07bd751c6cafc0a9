//! The service explorer: `wamp-router` serves a page at `/explorer/` (`Listener::explorer`)
//! that browses and calls the realm's described services. This example starts a router with
//! it, serves a described service (a greeter with a typed error, progressive results and an
//! event), and checks that the page is served and that reflection describes the service.
//!
//! Run: `cargo run -p wamp-examples --example explorer` (checks, then exits), or with
//! `-- --serve` to keep it running on ws://127.0.0.1:8080/ and open
//! <http://127.0.0.1:8080/explorer/?realm=realm1> (and try `wamp-mcp --url
//! ws://127.0.0.1:8080/ --realm realm1` against it).

use std::time::Duration;

use futures::Stream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wamp_core::{wamp_service, WampError, WampEvent};
use wamp_examples::check;
use wamp_router::{Listener, Protocol, RealmConfig, Router};

/// The greeter's errors.
#[derive(Debug, WampError)]
#[wamp(prefix = "com.example.greeter.error")]
pub enum GreetError {
    /// `com.example.greeter.error.nameless`: an empty name.
    Nameless,
}

/// Published after every greeting.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.example.greeter.greeted")]
pub struct Greeted {
    /// Who was greeted.
    pub name: String,
}

/// Greets people.
#[wamp_service(prefix = "com.example.greeter", events(Greeted))]
pub trait Greeter {
    /// Says hello to `name`, in `language` (`en` or `fr`).
    #[wamp(kwargs)]
    async fn hello(&self, name: String, language: Option<String>) -> Result<String, GreetError>;
    /// Counts from 1 to `to`, one progressive result each.
    async fn count(&self, to: u32) -> impl Stream<Item = u32>;
}

struct Desk {
    session: wamp_core::Session,
}

impl Greeter for Desk {
    async fn hello(&self, name: String, language: Option<String>) -> Result<String, GreetError> {
        if name.is_empty() {
            return Err(GreetError::Nameless);
        }
        let _ = self
            .session
            .publish_event(&Greeted { name: name.clone() })
            .await;
        Ok(match language.as_deref() {
            Some("fr") => format!("Bonjour, {name} !"),
            _ => format!("Hello, {name}!"),
        })
    }

    async fn count(&self, to: u32) -> impl Stream<Item = u32> {
        futures::stream::iter(1..=to.min(1000))
    }
}

/// `GET path` over plain HTTP: the status line and the body.
async fn get(addr: &str, path: &str) -> anyhow::Result<(String, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
    Ok((
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    ))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let serve = std::env::args().any(|a| a == "--serve");
    let addr = if serve {
        "127.0.0.1:8080"
    } else {
        "127.0.0.1:0"
    };
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("realm1"))
        .listener(Listener::websocket(addr).explorer())
        .start()
        .await?;
    let url = router
        .url(Protocol::WebSocket)
        .unwrap_or_default()
        .to_owned();
    let callee = wamp_core::Client::new(&url, "realm1").connect().await?;
    let _service = Desk {
        session: callee.clone(),
    }
    .serve(&callee)
    .await?;
    let host = url.trim_start_matches("ws://").trim_end_matches('/');
    let page = format!("http://{host}/explorer/?realm=realm1");
    if serve {
        println!("the service explorer: {page}");
        println!("as MCP tools: wamp-mcp --url {url} --realm realm1");
        println!("Ctrl-C stops");
        tokio::signal::ctrl_c().await?;
        return Ok(());
    }
    let (status, body) = get(host, "/explorer/").await?;
    check("the page is served", status.as_str(), "HTTP/1.1 200 OK")?;
    check("it is the explorer", body.contains("<title>"), true)?;
    let caller = wamp_core::Client::new(&url, "realm1").connect().await?;
    let listed: Vec<String> = caller
        .call("wamp.reflection.procedure.list")
        .timeout(Duration::from_secs(5))
        .await?
        .value()?;
    check(
        "reflection lists the greeter",
        listed,
        vec![
            "com.example.greeter.count".to_owned(),
            "com.example.greeter.hello".to_owned(),
        ],
    )?;
    println!("open {page} with `-- --serve`");
    Ok(())
}
