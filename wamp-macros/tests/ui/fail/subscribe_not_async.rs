// An event handler is not async, and takes no event.
#[wamp_core::subscribe]
fn on_moved() {}
fn main() {}
