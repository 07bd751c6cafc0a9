//! The descriptions of the test services are committed under `interfaces/` (golden files, like
//! the examples'); `WAMP_GOLDEN=overwrite` rewrites them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wamp_core::describe::Document;
use wamp_core::typed::ServiceClient;
use wamp_tests::typed::{CalculatorClient, PeerCalleeClient};

#[test]
fn test_service_descriptions_match_their_golden_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interfaces");
    let mut failures = Vec::new();
    for service in [
        CalculatorClient::description(),
        PeerCalleeClient::description(),
    ] {
        let path = dir.join(format!("{}.json", service.prefix));
        let text = Document::new(vec![service]).to_json_pretty();
        if let Err(e) = wamp_codegen::golden::check(&path, &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
