//! WAMP-Cryptosign: the client proves it holds an Ed25519 private key by signing the router's
//! 32-octet challenge. The answer is hex of `signature (64 octets) || signed message (32 octets)`.

use ed25519_dalek::{Signer as _, SigningKey};

use super::{authenticate, text_field, AuthError, Authenticator};
use crate::message::Authenticate;
use crate::value::{Dict, Value};

const METHOD: &str = "cryptosign";

/// WAMP-Cryptosign authentication with an Ed25519 key.
#[derive(Clone)]
pub struct Cryptosign {
    key: SigningKey,
}

impl std::fmt::Debug for Cryptosign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cryptosign")
            .field("pubkey", &self.public_key_hex())
            .finish()
    }
}

impl Cryptosign {
    /// Authenticates with the Ed25519 private key whose 32-octet seed is given.
    pub fn new(seed: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// Authenticates with a private key given as 64 hex characters.
    pub fn from_hex(seed: &str) -> Result<Self, AuthError> {
        let bytes = hex::decode(seed.trim())
            .map_err(|e| AuthError::new(METHOD, format!("private key is not hex: {e}")))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| AuthError::new(METHOD, "a private key seed has 32 octets"))?;
        Ok(Self::new(seed))
    }

    /// The public key as hex, as announced in `authextra.pubkey` and configured on the router.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// Signs a hex challenge, XORed with the TLS channel ID when channel binding is in use.
    pub fn sign_challenge(
        &self,
        challenge_hex: &str,
        channel_id: Option<&[u8; 32]>,
    ) -> Result<String, AuthError> {
        let challenge = hex::decode(challenge_hex)
            .map_err(|e| AuthError::new(METHOD, format!("challenge is not hex: {e}")))?;
        let mut message: [u8; 32] = challenge
            .try_into()
            .map_err(|_| AuthError::new(METHOD, "the challenge must have 32 octets"))?;
        if let Some(channel) = channel_id {
            message.iter_mut().zip(channel).for_each(|(m, c)| *m ^= c);
        }
        let signature = self.key.sign(&message);
        let mut out = signature.to_bytes().to_vec();
        out.extend_from_slice(&message);
        Ok(hex::encode(out))
    }
}

impl Authenticator for Cryptosign {
    fn method(&self) -> &str {
        METHOD
    }

    fn authextra(&mut self) -> Result<Dict, AuthError> {
        let mut extra = Dict::new();
        extra.insert("pubkey".into(), Value::Text(self.public_key_hex()));
        Ok(extra)
    }

    fn respond(&mut self, extra: &Dict) -> Result<Authenticate, AuthError> {
        if !matches!(extra.get("channel_binding"), None | Some(Value::Null)) {
            return Err(AuthError::new(
                METHOD,
                "the router asks for channel binding, which this client does not use",
            ));
        }
        let challenge = text_field(METHOD, extra, "challenge")?;
        Ok(authenticate(self.sign_challenge(challenge, None)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors of the spec (`authentication_cryptosign.md`).
    #[test]
    fn spec_test_vectors() {
        let vectors = [
            (None, "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            (None, "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd", "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d", "d4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd64ce725cd8dceb344e6d11c09d1aaaf4d660fb26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d"),
            (None, "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b", "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2", "7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711d3d5658fc84a76196b0fa8d1ebc92ef9f30bb05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2"),
            (Some("62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff"), "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00"),
        ];
        for (channel, key, challenge, expected) in vectors {
            let channel: Option<[u8; 32]> =
                channel.map(|c| hex::decode(c).unwrap().try_into().unwrap());
            let signer = Cryptosign::from_hex(key).unwrap();
            assert_eq!(
                signer.sign_challenge(challenge, channel.as_ref()).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn refuses_malformed_challenges() {
        let mut signer = Cryptosign::new([7; 32]);
        let mut extra = Dict::new();
        extra.insert("challenge".into(), "abcd".into());
        assert!(signer.respond(&extra).is_err());
        extra.insert("challenge".into(), "zz".repeat(32).into());
        assert!(signer.respond(&extra).is_err());
    }
}
