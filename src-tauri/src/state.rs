//! The app's state: Graph (once signed in), the journal, the keys, the saved connection
//! and settings and, in demo mode, the simulator; or, when it could not start (another
//! KeyDesk holds the data folder), why, for the window.

pub mod idle_lock;

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use std::sync::Arc;

use keydesk_core::DirectoryUser;
use keydesk_engine::keys::KeySource;
#[cfg(feature = "demo")]
use keydesk_engine::station::{self, StationFiles};
use keydesk_engine::station::{os_user, Station};
use keydesk_fido::rack::SoftRack;
use keydesk_graph::GraphClient;
use keydesk_ipc::{AppInfo, Connection, DeskSettings, GroupChoice, IpcError};
use tauri::Manager;

use crate::demo::Demo;
use crate::launch::Launch;

/// What the commands get: the started app, or the start-up error the window shows in its
/// place (every command answers with it).
pub struct Started(Result<AppState, IpcError>);

impl Started {
    /// Wraps the outcome of [`AppState::start`].
    pub fn new(result: Result<AppState, IpcError>) -> Started {
        Started(result)
    }

    /// The app, or why it did not start.
    pub fn get(&self) -> Result<&AppState, IpcError> {
        self.0.as_ref().map_err(IpcError::clone)
    }
}

/// Everything the commands need.
pub struct AppState {
    /// Header facts.
    pub info: RwLock<AppInfo>,
    /// Graph, when signed in (demo mode signs in to the simulator at start).
    pub graph: RwLock<Option<GraphClient>>,
    /// Where `keydesk.json` lives; `None` in demo mode, whose settings live and die with it.
    pub config_dir: Option<PathBuf>,
    /// The connection signed in with, or saved for the next sign-in.
    pub connection: RwLock<Option<Connection>>,
    /// The desk's settings.
    pub settings: RwLock<DeskSettings>,
    /// The data folder, open and locked for the app's life (one KeyDesk per folder, app
    /// or command line, demo or not): journal, secret store, escrow, audit log.
    pub station: Station,
    /// The data folder's path (saves offer its parent, and refuse the folder itself).
    pub data_dir: PathBuf,
    /// Who is at the desk, for the inventory and the audit log.
    pub operator: RwLock<String>,
    /// Demo mode's simulator.
    pub demo: Option<Demo>,
    /// Simulated keys (demo mode, `--soft-keys`): the key panel plugs, touches, pulls.
    pub rack: Option<Arc<SoftRack>>,
    /// Simulated keys pulled with the key panel, to plug back in.
    pub drawer: Arc<crate::sim_keys::Drawer>,
    /// Where provisioning takes keys from: simulated keys, or the plugged security keys.
    pub keys: Option<Box<dyn KeySource>>,
    /// The FIDO metadata BLOB (model names, revoked models, attestation roots).
    pub metadata: Arc<crate::metadata::Metadata>,
    /// Wakes a running batch to stop taking new users (`batch_stop`).
    pub batch_stop: std::sync::atomic::AtomicBool,
    /// The group picked by search (its id: a name may be ambiguous), while the connection
    /// still names it; `None` reads the connection's group by name or id.
    pub group_pick: RwLock<Option<GroupChoice>>,
    /// The users file loaded as the queue instead of a group (`users_file_load`).
    pub users_file: RwLock<Option<String>>,
    /// A device-code sign-in started from the command line, while it waits for the
    /// operator (the connection screen shows its code).
    pub start_sign_in: crate::start_signin::Slot,
    /// This desk on the shared store (`--store`), or `None` for the data folder's SQLite.
    pub desk: Option<keydesk_store_pg::desk::Desk>,
    /// The queue as last loaded (members of its group only).
    pub users: Mutex<Vec<DirectoryUser>>,
    /// What the last batch of this window did (`batch_summary_save`).
    pub last_batch: Mutex<Option<keydesk_engine::batch_summary::BatchSummary>>,
    /// The group (object id) `users` are the members of.
    pub users_group: Mutex<Option<String>>,
    /// The user being provisioned now, if any (one at a time in the window).
    pub active: Mutex<Option<String>>,
    /// Wakes the running job to stop it (`provision_cancel`); no permit is kept, so a
    /// cancel with no job running stops nothing later.
    pub cancel: tokio::sync::Notify,
    /// Wakes the phone hand-out waiting for a passkey (`phone_cancel`).
    pub phone_cancel: tokio::sync::Notify,
    /// The idle lock: while set, the commands that show PINs are refused.
    pub lock: idle_lock::IdleLock,
}

impl AppState {
    /// Builds the state; in demo mode starts the simulator too. Fails with a
    /// [`keydesk_engine::lock::LockError`] (inside a `StationError`, boxed) when another
    /// KeyDesk uses the data folder, before anything in it is opened or removed.
    pub async fn start(
        app: &tauri::App,
        launch: &Launch,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let data_dir = match &launch.global.data_dir {
            Some(dir) => dir.clone(),
            None => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)?;
        if launch.demo {
            return Self::start_demo(&data_dir).await;
        }
        let station = Station::open(&data_dir)?;
        let config_dir = app.path().app_config_dir()?;
        let saved = crate::config::load(&config_dir)?;
        // A store that cannot be joined stops the start: falling back to this desk's SQLite
        // would let it work users the other desks work. `--store` wins over the setting.
        let target = match launch.global.store_target()? {
            Some(target) => Some(target),
            None => saved
                .settings
                .store
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.trim().parse::<keydesk_store_pg::StoreTarget>())
                .transpose()?,
        };
        let desk_name = launch
            .global
            .desk_name
            .as_deref()
            .or(saved.settings.desk_name.as_deref());
        let desk = match target {
            Some(target) => Some(keydesk_store_pg::desk::Desk::join(
                &station, &target, desk_name, LEASE,
            )?),
            None => None,
        };
        let store = Some(store_label(desk.as_ref()));
        let store_name = Some(store_name(desk.as_ref()));
        let saved_group = saved
            .connection
            .as_ref()
            .map(|c| c.group.clone())
            .unwrap_or_default();
        // The command line's tenant and app replace the saved connection for this run.
        let connection = launch.connection(&saved_group).or(saved.connection);
        // The group picked last time, unless this run names another (`--group`).
        let group_pick = saved.group.filter(|g| {
            connection
                .as_ref()
                .is_some_and(|c| c.group == g.display_name)
        });
        // The users file loaded last time, unless this run names a group (`--group`).
        let users_file = saved.users_file.filter(|_| launch.group.is_none());
        let group = match &users_file {
            Some(path) => crate::config::users_file_label(path),
            None => connection
                .as_ref()
                .map(|c| c.group.clone())
                .unwrap_or_default(),
        };
        let drawer = Arc::new(crate::sim_keys::Drawer::default());
        let (rack, keys) = match launch.soft_keys {
            Some(n) => {
                let (rack, keys) = crate::sim_keys::soft_keys(n, Arc::clone(&drawer));
                (Some(rack), keys)
            }
            None => (None, crate::sim_keys::hardware_keys()),
        };
        let metadata = Arc::new(crate::metadata::Metadata::offline(&data_dir));
        let refreshing = Arc::clone(&metadata);
        let cache = keydesk_mds::MdsCache::new(&data_dir);
        tauri::async_runtime::spawn(async move { refreshing.refresh(&cache).await });
        let state = AppState {
            info: RwLock::new(AppInfo {
                demo: false,
                simulated_keys: rack.is_some(),
                // Before any sign-in the header names the connection's tenant and cloud.
                tenant: connection
                    .as_ref()
                    .map_or_else(|| "not signed in".into(), |c| c.tenant.clone()),
                group,
                signed_in: false,
                operator: None,
                cloud: connection.as_ref().map_or_else(String::new, |c| {
                    crate::signin::cloud_label(&crate::signin::graph_config(c, &saved.settings))
                }),
                api_version: saved.settings.api_version.clone(),
                metadata: String::new(),
                store,
                store_name,
            }),
            graph: RwLock::default(),
            config_dir: Some(config_dir),
            connection: RwLock::new(connection.clone()),
            settings: RwLock::new(saved.settings),
            operator: RwLock::new(os_user()),
            station,
            data_dir,
            demo: None,
            rack,
            drawer,
            keys: Some(keys),
            metadata,
            group_pick: RwLock::new(group_pick),
            users_file: RwLock::new(users_file),
            start_sign_in: crate::start_signin::Slot::default(),
            desk,
            users: Mutex::default(),
            users_group: Mutex::default(),
            last_batch: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
            phone_cancel: tokio::sync::Notify::new(),
            lock: idle_lock::IdleLock::default(),
            batch_stop: std::sync::atomic::AtomicBool::new(false),
        };
        idle_lock::lock_at_start(&state);
        if let Some(connection) = connection.filter(|_| launch.global.tenant.is_some()) {
            if launch.global.auth == keydesk_options::Auth::DeviceCode {
                // The operator reads the code in the window, which opens only after this.
                let app = app.handle().clone();
                let signed_in = move |graph, operator| async move {
                    // The state is managed once `setup` returns; the sign-in may end sooner.
                    let started = loop {
                        if let Some(started) = app.try_state::<Started>() {
                            break started;
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    };
                    if let Ok(state) = started.get() {
                        state.signed_in_as(&connection, graph, operator);
                    }
                };
                crate::start_signin::spawn(
                    launch.global.clone(),
                    state.settings(),
                    Arc::clone(&state.start_sign_in),
                    signed_in,
                );
                return Ok(state);
            }
            match crate::signin::at_start(&launch.global, &state.settings()).await {
                Ok((graph, operator)) => {
                    state.signed_in_as(&connection, graph, operator);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot sign in with the command line's options")
                }
            }
        }
        Ok(state)
    }

    /// Demo mode: the demo's own files in the data folder, new at every start (a demo
    /// tenant is new too), and keys in memory, so a demo's PINs and log die with it.
    #[cfg(feature = "demo")]
    pub(crate) async fn start_demo(
        data_dir: &std::path::Path,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let store = Box::new(keydesk_engine::secrets::MemoryStore::default());
        let station = Station::open_with(data_dir, StationFiles::DEMO, Some(store))?;
        let (demo, graph) = Demo::start().await?;
        let operator = station::operator_name(&graph, None)
            .await
            .unwrap_or_else(|| "demo operator".into());
        let metadata = Arc::new(crate::metadata::Metadata::default());
        if let Some(cache) = crate::metadata::demo_cache(data_dir, &demo.sim) {
            metadata.refresh(&cache).await;
        }
        let rack = Arc::clone(demo.rack());
        let keys: Box<dyn KeySource> =
            Box::new(keydesk_engine::keys::RackKeys::new(Arc::clone(&rack)));
        let connection = Connection {
            tenant: demo.sim.config().tenant.clone(),
            group: demo.sim.config().group.clone(),
            client_id: graph.config().client_id.clone(),
            mode: keydesk_ipc::SignInMode::ClientSecret,
            ..Connection::default()
        };
        Ok(AppState {
            info: RwLock::new(AppInfo {
                demo: true,
                simulated_keys: true,
                tenant: connection.tenant.clone(),
                group: connection.group.clone(),
                signed_in: true,
                operator: crate::signin::signed_in_label(&graph, Some(&operator)),
                cloud: crate::signin::cloud_label(graph.config()),
                api_version: graph.config().api.segment().to_owned(),
                metadata: String::new(),
                store: None,
                store_name: None,
            }),
            graph: RwLock::new(Some(graph)),
            config_dir: None,
            connection: RwLock::new(Some(connection)),
            settings: RwLock::default(),
            operator: RwLock::new(operator),
            station,
            data_dir: data_dir.to_path_buf(),
            demo: Some(demo),
            rack: Some(rack),
            drawer: Default::default(),
            keys: Some(keys),
            metadata,
            group_pick: RwLock::default(),
            users_file: RwLock::default(),
            start_sign_in: crate::start_signin::Slot::default(),
            desk: None,
            users: Mutex::default(),
            users_group: Mutex::default(),
            last_batch: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
            phone_cancel: tokio::sync::Notify::new(),
            lock: idle_lock::IdleLock::default(),
            batch_stop: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Keeps the signed-in client and updates the header facts.
    pub fn signed_in_as(
        &self,
        connection: &Connection,
        graph: GraphClient,
        operator: Option<String>,
    ) -> AppInfo {
        let mut info = self.info.write().unwrap_or_else(|p| p.into_inner());
        info.tenant = connection.tenant.clone();
        info.group = match self
            .users_file
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_deref()
        {
            Some(path) => crate::config::users_file_label(path),
            None => connection.group.clone(),
        };
        info.signed_in = true;
        info.operator = crate::signin::signed_in_label(&graph, operator.as_deref());
        info.cloud = crate::signin::cloud_label(graph.config());
        info.api_version = graph.config().api.segment().to_owned();
        info.metadata = self.metadata.summary();
        if let Some(op) = operator {
            *self.operator.write().unwrap_or_else(|p| p.into_inner()) = op;
        }
        *self.graph.write().unwrap_or_else(|p| p.into_inner()) = Some(graph);
        info.clone()
    }

    /// Graph, when signed in.
    pub fn graph(&self) -> Option<GraphClient> {
        self.graph.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The header facts now.
    pub fn info(&self) -> AppInfo {
        let mut info = self.info.read().unwrap_or_else(|p| p.into_inner()).clone();
        info.metadata = self.metadata.summary();
        info
    }

    /// The engine's context for one command: the station's journal, escrow and audit log,
    /// the operator at the desk and the desk's FIDO metadata.
    pub fn context<'a>(&'a self, graph: &'a GraphClient) -> keydesk_engine::Context<'a> {
        let mut ctx = self.station.context(graph);
        if let Some(desk) = &self.desk {
            // The pool's key seals PINs, so any desk can print their letters.
            ctx.escrow = desk.escrow();
        }
        ctx.operator = self.operator();
        ctx.metadata = self.metadata.current();
        ctx
    }

    /// The desk's settings now.
    pub fn settings(&self) -> DeskSettings {
        self.settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Who is at the desk now.
    pub fn operator(&self) -> String {
        self.operator
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Without the `demo` feature `main` refuses `--demo`; this is the same answer.
    #[cfg(not(feature = "demo"))]
    pub(crate) async fn start_demo(
        _: &std::path::Path,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        Err(crate::demo::NOT_BUILT_IN.into())
    }
}

/// How long this desk's claims on users last unless renewed (renewed a third of the way
/// through); a desk that died holds its users this long. `keydesk-cli`'s default.
const LEASE: std::time::Duration = std::time::Duration::from_secs(30);

/// The store in a few words, for the header: "SQLite", or "PostgreSQL · desk-2".
pub fn store_name(desk: Option<&keydesk_store_pg::desk::Desk>) -> String {
    match desk {
        None => "SQLite".into(),
        Some(desk) => format!("PostgreSQL · {}", desk.store().desk()),
    }
}

/// The header's words for where the desk's work is kept (its tooltip: the full address).
pub fn store_label(desk: Option<&keydesk_store_pg::desk::Desk>) -> String {
    match desk {
        None => "SQLite (this desk)".into(),
        Some(desk) => {
            let store = desk.store();
            let target = store.target();
            format!(
                "PostgreSQL {}/{} as {}",
                target.host,
                target.database,
                store.desk()
            )
        }
    }
}
