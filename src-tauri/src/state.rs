//! The app's state: Graph, the journal, the keys and, in demo mode, the simulator; or,
//! when it could not start (another KeyDesk holds the data folder), why, for the window.

use std::sync::{Arc, Mutex};

use keydesk_core::DirectoryUser;
use keydesk_engine::audit::AuditLog;
use keydesk_engine::keys::RackKeys;
use keydesk_engine::lock::DataDirLock;
use keydesk_engine::secrets::{self, MemoryStore, SecretStore};
use keydesk_engine::{Escrow, Journal};
use keydesk_graph::GraphClient;
use keydesk_ipc::{AppInfo, IpcError};
use tauri::Manager;

use crate::demo::Demo;

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
    pub info: AppInfo,
    /// Graph, when signed in (demo mode signs in to the simulator at start).
    pub graph: Option<GraphClient>,
    /// The journal file.
    pub journal: Journal,
    /// Seals PINs kept until their letter is printed.
    pub escrow: Escrow,
    /// The HMAC-chained audit log.
    pub audit: AuditLog,
    /// Who is at the desk, for the inventory and the audit log.
    pub operator: String,
    /// Demo mode's simulator and keys.
    pub demo: Option<Demo>,
    /// Where provisioning takes keys from.
    pub keys: Option<RackKeys>,
    /// The queue as last loaded.
    pub users: Mutex<Vec<DirectoryUser>>,
    /// The user being provisioned now, if any (one at a time in the window).
    pub active: Mutex<Option<String>>,
    /// One KeyDesk per data folder (app or command line, demo or not): held for the app's
    /// life, and declared last so it is released after the journal and the log close.
    _data_lock: DataDirLock,
}

impl AppState {
    /// Builds the state; in demo mode starts the simulator first. Fails with a
    /// [`keydesk_engine::lock::LockError`] (boxed) when another KeyDesk uses the data
    /// folder, before anything in it is opened or removed.
    pub async fn start(
        app: &tauri::App,
        demo: bool,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let data_dir = app.path().app_data_dir()?;
        std::fs::create_dir_all(&data_dir)?;
        let data_lock = DataDirLock::acquire(&data_dir)?;
        if !demo {
            let store = secrets::open_default(&data_dir);
            let journal = Journal::open(&data_dir.join("journal.sqlite"))?;
            let audit = AuditLog::open(&data_dir.join("audit.log"), store.as_ref(), &journal)?;
            return Ok(AppState {
                info: AppInfo {
                    demo: false,
                    tenant: "not signed in".into(),
                    group: String::new(),
                },
                graph: None,
                escrow: Escrow::new(store.as_ref())?,
                audit,
                operator: "not signed in".into(),
                journal,
                demo: None,
                keys: None,
                users: Mutex::default(),
                active: Mutex::default(),
                _data_lock: data_lock,
            });
        }
        // A demo tenant is new at every start, so its journal is too.
        let journal_path = data_dir.join("demo-journal.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", journal_path.display()));
        }
        let _ = std::fs::remove_file(data_dir.join("demo-audit.log"));
        let (demo, graph) = Demo::start().await?;
        let operator = match graph.operator().await {
            Ok(op) => op.upn.unwrap_or(op.id),
            Err(_) => "demo operator".into(),
        };
        // Demo keys live in memory: a demo's PINs and log die with it.
        let store: Box<dyn SecretStore> = Box::new(MemoryStore::default());
        let journal = Journal::open(&journal_path)?;
        let audit = AuditLog::open(&data_dir.join("demo-audit.log"), store.as_ref(), &journal)?;
        let keys = RackKeys::new(Arc::clone(&demo.rack));
        Ok(AppState {
            info: AppInfo {
                demo: true,
                tenant: demo.sim.config().tenant.clone(),
                group: demo.sim.config().group.clone(),
            },
            graph: Some(graph),
            escrow: Escrow::new(store.as_ref())?,
            audit,
            operator,
            journal,
            demo: Some(demo),
            keys: Some(keys),
            users: Mutex::default(),
            active: Mutex::default(),
            _data_lock: data_lock,
        })
    }
}
