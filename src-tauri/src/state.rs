//! The app's state: Graph, the journal, the keys and, in demo mode, the simulator.

use std::sync::{Arc, Mutex};

use keydesk_core::DirectoryUser;
use keydesk_engine::keys::RackKeys;
use keydesk_engine::Journal;
use keydesk_graph::GraphClient;
use keydesk_ipc::AppInfo;
use tauri::Manager;

use crate::demo::Demo;

/// Everything the commands need.
pub struct AppState {
    /// Header facts.
    pub info: AppInfo,
    /// Graph, when signed in (demo mode signs in to the simulator at start).
    pub graph: Option<GraphClient>,
    /// The journal file.
    pub journal: Journal,
    /// Demo mode's simulator and keys.
    pub demo: Option<Demo>,
    /// Where provisioning takes keys from.
    pub keys: Option<RackKeys>,
    /// The queue as last loaded.
    pub users: Mutex<Vec<DirectoryUser>>,
    /// The user being provisioned now, if any (one at a time in the window).
    pub active: Mutex<Option<String>>,
}

impl AppState {
    /// Builds the state; in demo mode starts the simulator first.
    pub async fn start(
        app: &tauri::App,
        demo: bool,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let data_dir = app.path().app_data_dir()?;
        std::fs::create_dir_all(&data_dir)?;
        if !demo {
            return Ok(AppState {
                info: AppInfo {
                    demo: false,
                    tenant: "not signed in".into(),
                    group: String::new(),
                },
                graph: None,
                journal: Journal::open(&data_dir.join("journal.sqlite"))?,
                demo: None,
                keys: None,
                users: Mutex::default(),
                active: Mutex::default(),
            });
        }
        // A demo tenant is new at every start, so its journal is too.
        let journal_path = data_dir.join("demo-journal.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", journal_path.display()));
        }
        let (demo, graph) = Demo::start().await?;
        let keys = RackKeys::new(Arc::clone(&demo.rack));
        Ok(AppState {
            info: AppInfo {
                demo: true,
                tenant: demo.sim.config().tenant.clone(),
                group: demo.sim.config().group.clone(),
            },
            graph: Some(graph),
            journal: Journal::open(&journal_path)?,
            demo: Some(demo),
            keys: Some(keys),
            users: Mutex::default(),
            active: Mutex::default(),
        })
    }
}
