//! The `memory://name` backend: tokens kept in process memory, shared by every connection of the
//! process that names the same store, gone when the process exits. Nothing is encrypted (it never
//! leaves the process), but a store remembers which client id and token URL filled it, so two
//! configurations that pick the same name by mistake get an error rather than each other's tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::auth::settings_file::StoreBinding;
use crate::auth::tokens::StoredTokens;
use crate::error::{AuthError, Error, Result};

/// One named store. `gate` serialises updates (held across a refresh's `.await`); `value` is held
/// only for a copy in or out, so `load` never waits for a refresh in progress, as with a file.
#[derive(Debug, Default)]
pub struct MemorySlot {
    pub(crate) gate: tokio::sync::Mutex<()>,
    value: Mutex<Option<(Owner, StoredTokens)>>,
}

type Owner = [u8; 32];

fn owner_of(binding: &StoreBinding) -> Owner {
    let mut h = Sha256::new();
    h.update((binding.client_id.len() as u64).to_le_bytes());
    h.update(binding.client_id.as_bytes());
    h.update(binding.token_url.as_bytes());
    h.finalize().into()
}

/// The slot for `name`, created empty on first use.
pub fn slot(name: &str) -> Arc<MemorySlot> {
    static SLOTS: OnceLock<Mutex<HashMap<String, Arc<MemorySlot>>>> = OnceLock::new();
    let mut slots = SLOTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    slots.entry(name.to_string()).or_default().clone()
}

impl MemorySlot {
    /// The stored tokens, if any, checking that they belong to `binding`.
    pub fn get(&self, name: &str, binding: &StoreBinding) -> Result<Option<StoredTokens>> {
        let value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        match value.as_ref() {
            None => Ok(None),
            Some((owner, tokens)) if *owner == owner_of(binding) => Ok(Some(tokens.clone())),
            Some(_) => Err(Error::new(
                AuthError::TokenStore,
                format!(
                    "The token store memory://{name} holds the tokens of another OAuthClientId or token URL; give this connection another OAuthSettingsLocation"
                ),
            )),
        }
    }

    /// Stores `tokens` for `binding`, or empties the slot.
    pub fn set(&self, binding: &StoreBinding, tokens: Option<StoredTokens>) {
        let mut value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        *value = tokens.map(|t| (owner_of(binding), t));
    }
}
