//! `keydesk-cli mds status|import FILE|update`: the desk's FIDO metadata BLOB
//! (`<data-dir>/mds.jwt`). `import` is how an air-gapped desk gets a current BLOB: download
//! it elsewhere from the FIDO Alliance, carry the file over, import it; it is verified
//! (chain to the FIDO Alliance root, signature, `nextUpdate`) before it replaces the
//! cached one, and an older BLOB never replaces a newer one. The revocation lists the
//! BLOB's chain names come with it (`--crl FILE`, or fetched by `update`); a BLOB whose
//! signer they revoke is refused.
//!
//! The cache file is replaced by an atomic rename, so no data-folder lock is taken: a
//! running desk keeps the BLOB it loaded and reads the new one at its next start.

use keydesk_mds::{Freshness, Mds, MdsCache, MdsError};
use time::OffsetDateTime;

use crate::args::Global;
use crate::mds_args::{MdsAction, MdsArgs};
use crate::{connect, exit, out};

/// Runs `mds`; exit 0 on success, 1 when the BLOB is missing, expired or refused.
pub async fn run(global: &Global, args: MdsArgs) -> u8 {
    let dir = match connect::data_dir(global) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let now = OffsetDateTime::now_utc();
    let cache = MdsCache::new(&dir);
    let result = match args.action {
        MdsAction::Status => cache.load(now),
        MdsAction::Import { file, crls } => crls
            .iter()
            .try_for_each(|crl| cache.import_crl(crl).map(drop))
            .and_then(|()| cache.import(&file, now))
            .map(Some),
        MdsAction::Update { url } => {
            let cache = match url {
                Some(url) => cache.clone().with_url(url),
                None => cache.clone(),
            };
            cache.refresh(&reqwest::Client::new(), now).await.map(Some)
        }
    };
    match result {
        Ok(Some(mds)) => {
            print_status(&mds, now);
            exit::OK
        }
        Ok(None) => {
            out::line(&format!(
                "no metadata BLOB in {}: the desk uses its built-in model table",
                cache.path().display()
            ));
            exit::FAILED
        }
        Err(e) => {
            report(&e);
            exit::FAILED
        }
    }
}

/// The data folder's BLOB for a provisioning run, read offline; a BLOB that does not verify
/// or expired is reported on stderr and not used (the built-in model table serves).
pub fn cached(dir: &std::path::Path) -> Option<std::sync::Arc<Mds>> {
    let now = OffsetDateTime::now_utc();
    match MdsCache::new(dir).load(now) {
        Ok(Some(mds)) => {
            for warning in mds
                .warning(now.date())
                .iter()
                .chain(mds.revocation_warnings())
            {
                eprintln!("warning: {warning}");
            }
            Some(std::sync::Arc::new(mds))
        }
        Ok(None) => None,
        Err(e) => {
            eprintln!("warning: {e}; the built-in model table is used instead");
            None
        }
    }
}

fn print_status(mds: &Mds, now: OffsetDateTime) {
    out::line(&format!("BLOB number {}", mds.number()));
    out::line(&format!("next update {}", mds.next_update()));
    out::line(&format!("models {}", mds.models()));
    match mds.freshness(now.date()) {
        Ok(Freshness::Current) => out::line("status current"),
        Ok(Freshness::Stale(days)) => {
            out::line(&format!("status stale ({days} days past its next update)"))
        }
        Err(e) => out::line(&format!("status {e}")),
    }
    if mds.revocation_warnings().is_empty() {
        out::line("revocation checked");
    } else {
        out::line("revocation not fully checked");
    }
    for url in keydesk_mds::crl_urls(mds.jws()) {
        out::line(&format!("revocation list {url}"));
    }
    for warning in mds
        .warning(now.date())
        .iter()
        .chain(mds.revocation_warnings())
    {
        eprintln!("warning: {warning}");
    }
}

fn report(e: &MdsError) {
    eprintln!("error: {e}");
    eprintln!("what to do: {}", e.remediation());
}
