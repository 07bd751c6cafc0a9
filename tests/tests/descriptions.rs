//! The descriptions of the test services are committed under `interfaces/` (golden files, like
//! the examples') and read back as the same documents; `WAMP_GOLDEN=overwrite` rewrites them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wamp_tests::legacy::{LegacyClient, ModernClient};
use wamp_tests::shapes::ShapesClient;
use wamp_tests::typed::{CalculatorClient, PeerCalleeClient};

#[test]
fn test_service_descriptions_match_their_golden_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interfaces");
    wamp_codegen::golden::check_services(
        dir,
        vec![
            CalculatorClient::description(),
            PeerCalleeClient::description(),
            ShapesClient::description(),
            LegacyClient::description(),
            ModernClient::description(),
        ],
    )
    .unwrap();
}
