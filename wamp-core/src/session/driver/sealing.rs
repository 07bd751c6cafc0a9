//! End-to-end encryption in the driver ([`crate::cryptobox`]): sealed payloads that arrive are
//! opened with the session's key ring before the application sees them, and the answers to a
//! sealed invocation are sealed in turn (as autobahn-python does: only then).

use super::Driver;
use crate::cryptobox::{self, Side};
use crate::error::WampError;
use crate::message::{Arguments, Passthru, Payload};
use crate::session::Reply;
use crate::value::Dict;

impl Driver {
    /// Opens a sealed payload in place and answers whether it was sealed. A payload that is not
    /// WAMP-cryptobox, or any payload when the session has no key ring, stays as it is.
    pub(super) fn open(
        &self,
        side: Side,
        uri: &str,
        arguments: &mut Arguments,
        passthru: &mut Option<Passthru>,
    ) -> Result<bool, WampError> {
        let (Some(ring), Some(p)) = (self.config.key_ring.as_deref(), passthru.as_ref()) else {
            return Ok(false);
        };
        if !cryptobox::is_cryptobox(p) {
            return Ok(false);
        }
        *arguments = ring.open(side, uri, p)?;
        *passthru = None;
        Ok(true)
    }

    /// The answer to a sealed invocation of `procedure`, sealed: a result under the procedure, an
    /// error under its error URI when a key covers that. Passthru payloads the handler made
    /// itself go as they are.
    pub(super) fn seal_answer(
        &self,
        procedure: &str,
        outcome: Result<Reply, WampError>,
    ) -> Result<Reply, WampError> {
        let Some(ring) = self.config.key_ring.as_deref() else {
            return outcome;
        };
        match outcome {
            Ok(Reply::Arguments(a)) => Ok(match ring.seal(Side::Responder, procedure, &a)? {
                Some(sealed) => Reply::Passthru(sealed),
                None => Reply::Arguments(a),
            }),
            Err(mut e) if e.passthru.is_none() => {
                let a = Arguments::new(std::mem::take(&mut e.args), std::mem::take(&mut e.kwargs));
                match ring.seal(Side::Responder, &e.uri, &a)? {
                    Some(sealed) => e.passthru = Some(Box::new(sealed)),
                    None => (e.args, e.kwargs) = (a.args, a.kwargs),
                }
                Err(e)
            }
            other => other,
        }
    }

    /// A progressive result of a sealed invocation of `procedure`, sealed (its attributes go
    /// into `options`).
    pub(super) fn seal_progress(
        &self,
        procedure: &str,
        arguments: Arguments,
        options: &mut Dict,
    ) -> Result<Payload, WampError> {
        let ring = self.config.key_ring.as_deref();
        let sealed = match ring {
            Some(ring) => ring.seal(Side::Responder, procedure, &arguments)?,
            None => None,
        };
        Ok(match sealed {
            Some(sealed) => {
                sealed.write_attributes(options);
                Payload::Passthru(sealed.payload)
            }
            None => Payload::Arguments(arguments),
        })
    }
}
