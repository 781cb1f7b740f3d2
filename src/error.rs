//! Failures of the environment (files, arguments, output), as opposed to findings or mistakes in
//! rule files, which are diagnostics with spans.
//!
//! The CLI prints each once as `error: …` and carries on with the other files where it can.

use std::io;
use std::path::PathBuf;

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },

    #[error("{}: cannot write: {source}; the file is unchanged", path.display())]
    Write { path: PathBuf, source: io::Error },

    #[error("{}: changed on disk while it was checked; not fixed, run copydesk again", path.display())]
    ChangedOnDisk { path: PathBuf },

    /// `what`: "invalid byte sequence", or "incomplete character" where the file ends inside one.
    #[error("{}: not valid UTF-8: {what} at byte {offset} (line {line}, column {column})", path.display())]
    InvalidUtf8 { path: PathBuf, what: &'static str, offset: usize, line: usize, column: usize },

    #[error("{}: no such file or directory", path.display())]
    Missing { path: PathBuf },

    #[error("{pattern}: bad glob pattern: {message}")]
    Glob { pattern: String, message: String },

    #[error("{pattern}: no files match this pattern")]
    NoMatch { pattern: String },

    #[error("rules directory {}: {message}", path.display())]
    RulesDir { path: PathBuf, message: String },

    #[error("{path}: cannot walk the directory: {message}")]
    Walk { path: String, message: String },

    #[error("{}: not a regular file", path.display())]
    NotAFile { path: PathBuf },

    #[error("{problems} problem{} in {}; nothing was checked", plural(*problems), path.display())]
    ConfigFile { path: PathBuf, problems: usize },

    #[error("{message}")]
    Git { message: String },

    #[error("{}: {message}", path.display())]
    Baseline { path: PathBuf, message: String },

    #[error("{}: already exists; not overwritten", path.display())]
    Exists { path: PathBuf },

    #[error("{problems} problem{} in {files} rule file{}; no rules were loaded", plural(*problems), plural(*files))]
    RuleFiles { problems: usize, files: usize },

    #[error("{0}")]
    Usage(String),

    #[error("cannot write the output: {0}")]
    Output(#[source] io::Error),
}
