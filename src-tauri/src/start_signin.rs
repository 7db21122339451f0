//! A device-code sign-in started from the command line's options (`keydesk --auth
//! device-code …`). It cannot finish before the window opens (the operator must read the
//! code somewhere), so it runs in the background: its prompt and outcome wait in a
//! [`Waiting`] slot, which the connection screen reads (`connection_load`) until the app is
//! signed in or the sign-in failed.

use std::future::Future;
use std::sync::{Arc, Mutex};

use keydesk_graph::{DeviceCodeInfo, GraphClient};
use keydesk_ipc::{DeskSettings, ErrorKind, IpcError, SignInEvent};
use keydesk_options::Global;

/// What a sign-in started at launch asks and how it ended, for the connection screen.
#[derive(Debug, Default)]
pub struct Waiting {
    /// Still running.
    pub running: bool,
    /// What the operator must do now (the device code and where to enter it).
    pub prompt: Option<SignInEvent>,
    /// Why it failed, once it did.
    pub failed: Option<IpcError>,
}

/// The slot the app state keeps.
pub type Slot = Arc<Mutex<Waiting>>;

/// Starts the sign-in in the background; once it succeeds, `signed_in` keeps the client
/// (the slot says "running" until it has), else `slot` says why not.
pub fn spawn<F, Fut>(global: Global, settings: DeskSettings, slot: Slot, signed_in: F)
where
    F: FnOnce(GraphClient, Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    lock(&slot).running = true;
    tauri::async_runtime::spawn(async move {
        let result = run(&global, &settings, &slot).await;
        let failed = match result {
            Ok((graph, operator)) => {
                signed_in(graph, operator).await;
                None
            }
            Err(e) => Some(e),
        };
        let mut waiting = lock(&slot);
        waiting.running = false;
        waiting.prompt = None;
        waiting.failed = failed;
    });
}

/// Signs in with `global`'s options, the device code shown through `slot`.
pub async fn run(
    global: &Global,
    settings: &DeskSettings,
    slot: &Slot,
) -> Result<(GraphClient, Option<String>), IpcError> {
    let shown = Arc::clone(slot);
    let prompt = Arc::new(move |info: &DeviceCodeInfo| {
        lock(&shown).prompt = Some(SignInEvent::DeviceCode {
            user_code: info.user_code.clone(),
            verification_uri: info.verification_uri.clone(),
            expires_in_secs: u32::try_from(info.expires_in.as_secs()).unwrap_or(u32::MAX),
        });
    });
    crate::signin::at_start_with(global, settings, prompt)
        .await
        .map_err(|e| {
            crate::convert::plain(
                ErrorKind::SignIn,
                format!("The sign-in started from the command line failed: {e}."),
                "Check the connection and sign in again.",
            )
        })
}

fn lock(slot: &Slot) -> std::sync::MutexGuard<'_, Waiting> {
    slot.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::Parser;
    use keydesk_sim::{Sim, SimConfig};

    use super::*;

    #[derive(Parser)]
    struct Options {
        #[command(flatten)]
        global: Global,
    }

    /// The code the simulator hands out is shown through the slot, and the sign-in ends
    /// once the operator enters it on the simulator's `/devicelogin` page.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_device_code_waits_in_the_slot_until_it_is_entered() {
        tokio::time::timeout(Duration::from_secs(60), async {
            let sim = Sim::start(SimConfig::default()).await.unwrap();
            let url = sim.base_url();
            let options = Options::parse_from([
                "keydesk",
                "--tenant",
                &sim.config().tenant,
                "--client-id",
                &sim.config().client_id,
                "--auth",
                "device-code",
                "--login-url",
                &url,
                "--graph-url",
                &url,
            ]);
            let slot = Slot::default();
            let signing = tokio::spawn({
                let slot = Arc::clone(&slot);
                async move { run(&options.global, &DeskSettings::default(), &slot).await }
            });
            let (code, page) = loop {
                if let Some(SignInEvent::DeviceCode {
                    user_code,
                    verification_uri,
                    ..
                }) = lock(&slot).prompt.clone()
                {
                    break (user_code, verification_uri);
                }
                if signing.is_finished() {
                    panic!("ended without a code: {:?}", signing.await.unwrap().err());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            assert!(
                !signing.is_finished(),
                "signed in before the code was entered"
            );
            let approved = reqwest::Client::new()
                .post(&page)
                .form(&[("user_code", code.as_str())])
                .send()
                .await
                .unwrap();
            assert!(approved.status().is_success());
            let (graph, operator) = signing.await.unwrap().unwrap();
            assert!(!graph.credentials().is_app_only());
            assert!(operator.unwrap().contains(" as "), "the operator is named");
        })
        .await
        .expect("the device-code sign-in took over 60 s");
    }
}
