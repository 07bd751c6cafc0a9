//! Collects every error of one macro invocation, so all are reported at once.

use std::cell::{Cell, RefCell};
use std::fmt::Display;

use quote::ToTokens;

/// The errors found so far, each spanned at the offending tokens.
///
/// Like serde_derive's, it must be [`finish`](Ctxt::finish)ed: dropping it unchecked is a bug in
/// the macro (errors would be lost silently), and panics.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
    finished: Cell<bool>,
}

impl Ctxt {
    /// Records an error spanned at `tokens`.
    pub(crate) fn error(&self, tokens: impl ToTokens, message: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error syn already made.
    pub(crate) fn syn(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// Every error combined into one, or `Ok` when there were none.
    pub(crate) fn finish(self) -> syn::Result<()> {
        self.finished.set(true);
        let mut errors = self.errors.take().into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                first.extend(errors);
                Err(first)
            }
        }
    }
}

impl Drop for Ctxt {
    // The guard's whole point is to fail loudly on a forgotten check, at expansion time.
    #[allow(clippy::panic)]
    fn drop(&mut self) {
        if !self.finished.get() && !std::thread::panicking() {
            panic!("a macro's Ctxt was dropped without being checked: call Ctxt::finish");
        }
    }
}
