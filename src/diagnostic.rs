//! Findings as the engine reports them: rule id, severity, byte range, message, labels, fix.
//!
//! Everything here is plain data with byte offsets into the original file. Rendering lives in
//! `render`, applying fixes in `fix`; this module does neither.

use std::fmt;
use std::ops::Range;

/// How serious a finding is; ordered so that `Suggestion < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Severity {
    Suggestion,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Suggestion];

    /// The word used in rule files, on the command line and in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses the word used in rule files and on the command line.
    pub fn parse(word: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == word)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place that a finding refers to ("first written `Minsk Group` here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: Range<usize>,
    pub message: String,
}

/// Whether a fix may be applied without a person reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement of a byte range of the original file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// A change that resolves a finding; its title is imperative ("replace with `Azerbaijani`").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// One finding of one rule in one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The order every output uses: by position, then by rule id.
    pub fn sort_key(&self) -> (usize, usize, &str) {
        (self.range.start, self.range.end, &self.rule)
    }
}
