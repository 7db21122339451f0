//! Why a BLOB, a cache or an attestation chain was not accepted.

/// An MDS failure. Every variant says what was wrong; [`MdsError::remediation`] what to do.
#[derive(Debug, thiserror::Error)]
pub enum MdsError {
    /// Not a JWS, or a part is not base64url / JSON.
    #[error("the metadata BLOB is malformed: {0}")]
    Malformed(String),
    /// The header's certificate chain does not lead to the trusted root.
    #[error(
        "the metadata BLOB's certificate chain does not verify to the FIDO Alliance root: {0}"
    )]
    Chain(String),
    /// The JWS signature is wrong (the BLOB was altered) or uses an algorithm not accepted.
    #[error("the metadata BLOB's signature does not verify: {0}")]
    Signature(String),
    /// A certificate of the signing chain is on its issuer's revocation list.
    #[error("the metadata BLOB's signing certificate {0} has been revoked by its issuer")]
    Revoked(String),
    /// A revocation list file that does not parse.
    #[error("the revocation list is malformed: {0}")]
    Crl(String),
    /// The BLOB is past its `nextUpdate` by more than the grace period.
    #[error("the metadata BLOB expired: a newer one was due on {next_update}, more than {grace_days} days ago")]
    Expired {
        /// The BLOB's `nextUpdate`.
        next_update: String,
        /// The grace period that passed.
        grace_days: i64,
    },
    /// An imported or downloaded BLOB is older than the one the desk has.
    #[error(
        "this metadata BLOB (number {offered}) is older than the one the desk has (number {held})"
    )]
    Older {
        /// The offered BLOB's `no`.
        offered: u64,
        /// The cached BLOB's `no`.
        held: u64,
    },
    /// Reading or writing the cache file.
    #[error("metadata cache: {0}")]
    Io(#[from] std::io::Error),
    /// Downloading a BLOB.
    #[error("downloading the metadata BLOB: {0}")]
    Download(String),
}

impl MdsError {
    /// What the operator can do about it.
    pub fn remediation(&self) -> &'static str {
        match self {
            MdsError::Malformed(_) | MdsError::Chain(_) | MdsError::Signature(_) => {
                "Download the BLOB again from https://mds3.fidoalliance.org/ on a machine with internet and import it (keydesk-cli mds import FILE); do not use a file from anywhere else."
            }
            MdsError::Revoked(_) => {
                "Do not use this BLOB: its signer was revoked. Download the current BLOB from https://mds3.fidoalliance.org/ and import it with the current revocation lists."
            }
            MdsError::Crl(_) => {
                "Fetch the list again from the URL the BLOB's certificates name and import it (keydesk-cli mds import BLOB --crl FILE)."
            }
            MdsError::Expired { .. } => {
                "Import a current BLOB (keydesk-cli mds import FILE); until then the desk uses its built-in model table and cannot see revoked models."
            }
            MdsError::Older { .. } => "Nothing to do: the desk keeps the newer BLOB it has.",
            MdsError::Io(_) => "Check that the data folder is writable and has space.",
            MdsError::Download(_) => {
                "The desk keeps its cached BLOB; import a current one by hand if it has no internet."
            }
        }
    }
}
