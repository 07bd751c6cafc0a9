// A parameter type derives serde's traits but not `JsonSchema`: one error at each place the type
// is written (not one per use in the generated code), saying what to add.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub x: f64,
}
#[wamp_core::wamp_service(prefix = "com.app")]
pub trait Geo {
    async fn norm(&self, p: Point) -> f64;
    async fn twice(&self, p: Point) -> f64;
}
fn main() {}
