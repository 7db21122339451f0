//! In-memory credential store and user-interaction callbacks: touch and UV are always
//! given (a test rig has nobody to touch it); credentials live as long as the process.

use std::collections::HashMap;
use std::sync::Mutex;

use soft_fido2::{AuthenticatorCallbacks, Credential, CredentialRef, Result, UpResult, UvResult};

#[derive(Default)]
pub struct Store {
    credentials: Mutex<HashMap<Vec<u8>, Credential>>,
}

impl Store {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Vec<u8>, Credential>) -> T) -> T {
        let mut guard = self.credentials.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}

impl AuthenticatorCallbacks for Store {
    fn request_up(&self, _: &str, _: Option<&str>, _: &str) -> Result<UpResult> {
        Ok(UpResult::Accepted)
    }

    fn request_uv(&self, _: &str, _: Option<&str>, _: &str) -> Result<UvResult> {
        Ok(UvResult::Accepted)
    }

    fn write_credential(&self, cred: &CredentialRef) -> Result<()> {
        self.with(|s| s.insert(cred.id.to_vec(), cred.to_owned()));
        Ok(())
    }

    fn read_credential(&self, id: &[u8]) -> Result<Option<Credential>> {
        Ok(self.with(|s| s.get(id).cloned()))
    }

    fn delete_credential(&self, id: &[u8]) -> Result<()> {
        self.with(|s| s.remove(id));
        Ok(())
    }

    fn list_credentials(&self, rp_id: &str, user_id: Option<&[u8]>) -> Result<Vec<Credential>> {
        Ok(self.with(|s| {
            s.values()
                .filter(|c| c.rp.id == rp_id && user_id.is_none_or(|u| c.user.id == u))
                .cloned()
                .collect()
        }))
    }

    fn enumerate_rps(&self) -> Result<Vec<(String, Option<String>, usize)>> {
        Ok(self.with(|s| {
            let mut rps: HashMap<String, (Option<String>, usize)> = HashMap::new();
            for c in s.values() {
                rps.entry(c.rp.id.clone())
                    .or_insert((c.rp.name.clone(), 0))
                    .1 += 1;
            }
            rps.into_iter()
                .map(|(id, (name, n))| (id, name, n))
                .collect()
        }))
    }

    fn credential_count(&self) -> Result<usize> {
        Ok(self.with(|s| s.len()))
    }

    fn get_timestamp_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}
