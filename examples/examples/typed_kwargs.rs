//! Keyword arguments in a typed service: `#[wamp(kwargs)]` on a method sends every parameter by
//! name, `#[wamp(kwarg)]` sends one parameter by name, and a `#[wamp(kwargs)]` parameter is the
//! whole kwargs dictionary. A callee accepts each parameter positionally or by name.
//!
//! Run: `cargo run -p wamp-examples --example typed_kwargs` (or add `URL REALM`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use wamp_core::wamp_service;
use wamp_examples::{check, Target};

/// A new account: the whole kwargs of `com.example.accounts.create`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct NewAccount {
    /// The login.
    pub login: String,
    /// Optional display name.
    pub display_name: Option<String>,
}

/// Accounts.
#[wamp_service(prefix = "com.example.accounts")]
pub trait Accounts {
    /// Creates an account from the kwargs dict; answers its ID.
    async fn create(&self, #[wamp(kwargs)] account: NewAccount) -> u64;
    /// Renames: `id` positional, `name` by keyword.
    async fn rename(&self, id: u64, #[wamp(kwarg)] name: String) -> String;
    /// Searches, every parameter by keyword.
    #[wamp(kwargs)]
    async fn search(&self, query: String, limit: Option<u32>) -> Vec<String>;
}

struct Store;

impl Accounts for Store {
    async fn create(&self, account: NewAccount) -> u64 {
        println!("  callee: create {account:?}");
        42
    }

    async fn rename(&self, id: u64, name: String) -> String {
        format!("account {id} is now {name}")
    }

    async fn search(&self, query: String, limit: Option<u32>) -> Vec<String> {
        let limit = limit.unwrap_or(2) as usize;
        ["ada", "alan", "alonzo"]
            .iter()
            .filter(|n| n.starts_with(&query))
            .take(limit)
            .map(|n| n.to_string())
            .collect()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let callee = target.connect().await?;
    let _service = Store.serve(&callee).await?;
    let caller = target.connect().await?;
    let accounts = AccountsClient::new(caller.clone());

    let id = accounts
        .create(NewAccount {
            login: "ada".into(),
            display_name: None,
        })
        .await?;
    check("create(kwargs {login: ada})", id, 42)?;
    check(
        "rename(42, name=Ada L.)",
        accounts.rename(id, "Ada L.".into()).await?,
        "account 42 is now Ada L.".into(),
    )?;
    check(
        "search(query=al)",
        accounts.search("al".into(), None).await?,
        vec!["alan".to_owned(), "alonzo".to_owned()],
    )?;

    // What an untyped peer (Autobahn) sends works too, by position or by name.
    let by_name = caller
        .call("com.example.accounts.search")
        .kwargs(&json!({"query": "a", "limit": 3}))
        .await?;
    check(
        "untyped search(query=a, limit=3)",
        by_name.value::<Vec<String>>()?,
        vec!["ada".to_owned(), "alan".to_owned(), "alonzo".to_owned()],
    )?;
    let by_position = caller
        .call("com.example.accounts.search")
        .args(&("a", 1))
        .await?;
    check(
        "untyped search('a', 1)",
        by_position.value::<Vec<String>>()?,
        vec!["ada".to_owned()],
    )?;
    Ok(())
}
