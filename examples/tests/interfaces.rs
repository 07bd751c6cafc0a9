//! Golden files: the interface description of every example service (and of the meta API
//! bindings) is committed under `interfaces/`; this test fails when the code and the file
//! disagree. Rerun with `WAMP_GOLDEN=overwrite` after an intended change and commit the files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The examples, compiled here as modules so their services can be described.
#[allow(dead_code, private_interfaces, unreachable_pub)]
#[path = "../examples/quickstart.rs"]
mod quickstart;
#[allow(dead_code, private_interfaces, unreachable_pub)]
#[path = "../examples/typed_errors.rs"]
mod typed_errors;
#[allow(dead_code, private_interfaces, unreachable_pub)]
#[path = "../examples/typed_kwargs.rs"]
mod typed_kwargs;
#[allow(dead_code, private_interfaces, unreachable_pub)]
#[path = "../examples/typed_patterns.rs"]
mod typed_patterns;
#[allow(dead_code, private_interfaces, unreachable_pub)]
#[path = "../examples/typed_progressive.rs"]
mod typed_progressive;

use std::path::PathBuf;

use wamp_core::describe::{Document, ServiceDescription};
use wamp_core::meta::{RegistrationMetaClient, SessionMetaClient, SubscriptionMetaClient};
use wamp_core::typed::ServiceClient;

fn interfaces_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interfaces")
}

#[test]
fn example_descriptions_match_their_golden_files() {
    let services: Vec<ServiceDescription> = vec![
        quickstart::CalculatorClient::description(),
        typed_errors::ShopClient::description(),
        typed_kwargs::AccountsClient::description(),
        typed_patterns::PlantClient::description(),
        typed_progressive::DownloadClient::description(),
        SessionMetaClient::description(),
        RegistrationMetaClient::description(),
        SubscriptionMetaClient::description(),
    ];
    let mut failures = Vec::new();
    for service in services {
        let path = interfaces_dir().join(format!("{}.json", service.prefix));
        let document = Document::new(vec![service]);
        match wamp_codegen::golden::check(&path, &document.to_json_pretty()) {
            // The committed file reads back as the same document.
            Ok(()) => assert_eq!(
                wamp_codegen::read_document(&path).unwrap(),
                document,
                "{} does not read back",
                path.display()
            ),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
