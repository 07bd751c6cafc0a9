#[derive(WampError)]
#[wamp(prefix = "com.example.calc.error")]
pub enum CalcError {
    Overflow,
    #[wamp(uri = "com.example.errors.too_big")]
    TooBig(u32, String),
    DivideByZero { dividend: i64 },
}
