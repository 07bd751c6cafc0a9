//! What a typed service and its callers use, in one import: `use wamp_core::prelude::*;`.
//!
//! ```no_run
//! use wamp_core::prelude::*;
//!
//! #[derive(Debug, WampError)]
//! #[wamp(prefix = "com.example.calc.error")]
//! pub enum CalcError {
//!     Overflow,
//! }
//!
//! #[wamp_service(prefix = "com.example.calc")]
//! pub trait Calculator {
//!     async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;
//! }
//!
//! # async fn demo(session: Session) -> Result<(), CallError<CalcError>> {
//! let calc = CalculatorClient::new(session);
//! let sum = calc.add(2, 3).await?;
//! let description = CalculatorClient::description();
//! # Ok(()) }
//! ```

pub use crate::error::{Error, WampError};
pub use crate::message::Arguments;
pub use crate::session::{Client, Session};
pub use crate::typed::{
    CallError, Context, EventDetails, ServiceClient, ServiceError, ServiceHandle, WampEvent,
};
// The derives share their names with the traits and types they implement (macro namespace).
pub use wamp_macros::{event_handlers, subscribe, wamp_service, WampError, WampEvent};
