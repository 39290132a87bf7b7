//! Typed errors of the library. The binary turns them into messages and exit codes.

use thiserror::Error;

/// Why one document could not be processed. The run goes on without it.
#[derive(Debug, Error)]
pub enum DocError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the document is empty")]
    Empty,
    #[error("the file is binary, not a text document")]
    Binary,
    #[error("unknown text encoding: {0}")]
    Encoding(String),
    #[error("the file is too large ({size} bytes; the limit is {} MiB)", .limit / (1024 * 1024))]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Unsupported(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("the PDF reader crashed or was stopped: {0}")]
    Worker(String),
    #[error("reading the document took longer than its time limit ({0} s)")]
    TimeLimit(f64),
    #[error("internal error while reading the document: {0}")]
    Panic(String),
}

/// Errors of a whole run (outputs that cannot be written, no inputs).
#[derive(Debug, Error)]
pub enum RunError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} holds files portolan did not write ({names}); the output folder is replaced as a \
         whole, so name an empty folder or one that holds only an earlier portolan output"
    )]
    Foreign { path: String, names: String },
}
