//! Regression tests for issue 10: a register POST whose answer is lost while another
//! passkey of the same name and model appears for the same user cannot be told apart. The
//! job must wait for the operator (`needs_attention`), never be registered again on its
//! own, and take the operator's decision.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keydesk_core::job::JobState;
use keydesk_core::{client_data, CreationOptions, DirectoryUser, Pin};
use keydesk_engine::directory::{Directory, Fido2Policy, GroupRef, Method};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::resume::resolve;
use keydesk_engine::{provision_user, Context, ProvisionError, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::SoftKey;
use keydesk_fido::{MakeCredential, SecurityKey};
use keydesk_graph::{Attempt, GraphClient, GraphError, PasskeyListing, Registration, Verdict};
use keydesk_sim::SimConfig;

/// Graph where, while our POST is in flight, a twin passkey (same display name, same
/// model, another credential) is registered for the user, and our answer is lost.
struct Twin<'a> {
    graph: &'a GraphClient,
    /// The twin's method id, per user id.
    twins: Mutex<HashMap<String, String>>,
}

impl Twin<'_> {
    async fn register_twin(&self, user_id: &str, name: &str) -> Method {
        let options = self.graph.creation_options(user_id, None).await.unwrap();
        let key = SoftKey::new("twin", common::blank_key("TWIN"));
        let pin = Pin::new("582046");
        key.set_pin(&pin).await.unwrap();
        let client_data_json = client_data::for_registration(&options.challenge, &options.rp_id);
        let request = MakeCredential::for_options(&options, client_data_json.clone());
        let attestation = key.make_credential(&request, &pin).await.unwrap();
        let registration = Registration {
            display_name: name.to_owned(),
            credential_id: attestation.credential_id.clone(),
            client_data_json,
            attestation_object: attestation.to_cbor(),
            beta: false,
        };
        let listing = self.graph.passkey_listing(user_id).await.unwrap();
        let attempt = Attempt::new(&listing, &registration, None);
        self.graph
            .register_passkey(user_id, &registration, &attempt)
            .await
            .unwrap()
    }
}

#[async_trait]
impl Directory for Twin<'_> {
    async fn user(&self, id: &str) -> Result<DirectoryUser, ProvisionError> {
        Directory::user(self.graph, id).await
    }
    async fn group_users(&self, g: &str) -> Result<Vec<DirectoryUser>, ProvisionError> {
        Directory::group_users(self.graph, g).await
    }
    async fn creation_options(
        &self,
        u: &str,
        m: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError> {
        Directory::creation_options(self.graph, u, m).await
    }
    async fn register(
        &self,
        u: &str,
        r: &Registration,
        a: &Attempt,
    ) -> Result<Method, ProvisionError> {
        let twin = self.register_twin(u, &r.display_name).await;
        self.twins.lock().unwrap().insert(u.to_owned(), twin.id);
        Directory::register(self.graph, u, r, a).await?;
        Err(GraphError::Network("connection reset while reading the answer".into()).into())
    }
    async fn passkeys(&self, u: &str) -> Result<Vec<Method>, ProvisionError> {
        Directory::passkeys(self.graph, u).await
    }
    async fn passkey_listing(&self, u: &str) -> Result<PasskeyListing, ProvisionError> {
        Directory::passkey_listing(self.graph, u).await
    }
    async fn find_registration(&self, u: &str, a: &Attempt) -> Result<Verdict, ProvisionError> {
        Directory::find_registration(self.graph, u, a).await
    }
    async fn delete_passkey(&self, u: &str, m: &str) -> Result<(), ProvisionError> {
        Directory::delete_passkey(self.graph, u, m).await
    }
    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError> {
        Directory::fido2_policy(self.graph).await
    }
    async fn resolve_group(&self, g: &str) -> Result<GroupRef, ProvisionError> {
        Directory::resolve_group(self.graph, g).await
    }
    async fn add_group_member(&self, g: &str, u: &str) -> Result<(), ProvisionError> {
        Directory::add_group_member(self.graph, g, u).await
    }
    async fn remove_group_member(&self, g: &str, u: &str) -> Result<(), ProvisionError> {
        Directory::remove_group_member(self.graph, g, u).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecidable_post_waits_for_the_operator_and_is_never_registered_again() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let quiet = |_: Step| {};
        let twin = Twin {
            graph: &graph,
            twins: Mutex::default(),
        };

        for user in &users {
            // A key that ends a job in doubt is not handed to the next user.
            let rack = Arc::new(SoftRack::new());
            rack.plug_new(common::blank_key(&format!("OURS-{}", &user.upn[..3])));
            let keys = RackKeys::new(rack);
            let ctx = Context::new(&twin, &journal, &escrow);
            let error = provision_user(&ctx, user, &keys, &quiet).await.unwrap_err();
            let ProvisionError::NeedsAttention { candidates } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(candidates.len(), 2, "{candidates:?}");
            let job = journal.job(&user.id).unwrap().unwrap();
            assert_eq!(job.state, JobState::NeedsAttention);
            assert!(job.pin_sealed.is_some(), "the PIN stays in escrow");
            assert_eq!(common::passkeys_of(&sim, &user.upn).await, 2);

            // A later run looks again, stays undecided, and registers nothing.
            let ctx = Context::new(&graph, &journal, &escrow);
            let again = provision_user(&ctx, user, &keys, &quiet).await;
            assert!(
                matches!(again, Err(ProvisionError::NeedsAttention { .. })),
                "{again:?}"
            );
            assert_eq!(common::passkeys_of(&sim, &user.upn).await, 2);
        }
        let registrations = common::counter(&sim, "registrations").await;
        assert_eq!(registrations, 4, "two users, each with ours and a twin");

        // The operator decides: for the first user, the passkey that is not the twin.
        let ctx = Context::new(&graph, &journal, &escrow);
        let first = &users[0];
        let unknown = resolve(&ctx, first, Some("no-such-method")).await;
        assert!(matches!(unknown, Err(ProvisionError::UnknownMethod(_))));
        let twin_id = twin.twins.lock().unwrap()[&first.id].clone();
        let listed = graph.passkeys(&first.id).await.unwrap();
        let ours = listed.iter().find(|m| m.id != twin_id).unwrap().id.clone();
        assert_eq!(
            resolve(&ctx, first, Some(&ours)).await.unwrap(),
            JobState::Registered
        );
        let job = journal.job(&first.id).unwrap().unwrap();
        assert_eq!(job.method_id.as_deref(), Some(ours.as_str()));
        let keys = RackKeys::new(Arc::new(SoftRack::new()));
        assert!(matches!(
            provision_user(&ctx, first, &keys, &quiet).await,
            Err(ProvisionError::AlreadyRegistered)
        ));
        assert!(keydesk_engine::escrowed_pin(&ctx, &first.id)
            .unwrap()
            .is_some());

        // For the second, "none is this job's": the job starts again on the next run.
        let second = &users[1];
        assert_eq!(
            resolve(&ctx, second, None).await.unwrap(),
            JobState::Pending
        );
        assert!(matches!(
            resolve(&ctx, second, None).await,
            Err(ProvisionError::NothingToResolve)
        ));
        sim.shutdown().await;
    })
    .await;
}
