#[wamp_service(prefix = "com.example.calc", events(Computed))]
pub trait Calculator {
    /// Adds two numbers.
    #[wamp(idempotent)]
    async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;
    /// Divides, the client sending keyword arguments.
    #[wamp(kwargs, timeout_ms = 500, cancel = "killnowait")]
    async fn divide(&self, dividend: i64, divisor: i64) -> Result<i64, CalcError>;
    /// Counts, as progressive results.
    async fn count(&self, to: u32) -> impl Stream<Item = u32>;
    /// Any sensor, disclosing the caller.
    #[wamp(uri = "com.example.sensor", match = "prefix", disclose_caller, invoke = "roundrobin")]
    async fn read(&self, ctx: Context, #[wamp(kwargs)] query: Query);
    /// A user's inbox: `id` is a component of the URI.
    #[wamp(name = "user.{id}.inbox")]
    async fn inbox(&self, id: u64, #[wamp(kwarg)] limit: Option<u32>) -> Vec<String>;
}
