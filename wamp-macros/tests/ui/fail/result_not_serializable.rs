// A result type that serde cannot send: one error, at the type.
#[derive(schemars::JsonSchema)]
pub struct Opaque {
    pub x: f64,
}
#[wamp_core::wamp_service(prefix = "com.app")]
pub trait Geo {
    async fn get(&self) -> Opaque;
}
fn main() {}
