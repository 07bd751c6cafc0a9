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

use wamp_core::describe::ServiceDescription;
use wamp_core::meta::{RegistrationMetaClient, SessionMetaClient, SubscriptionMetaClient};

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
    wamp_codegen::golden::check_services(interfaces_dir(), services).unwrap();
}
