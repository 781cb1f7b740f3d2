//! Output: findings as a human reads them (codespan-reporting), one per line (`short`), or as
//! JSON for tools; and mistakes in rule files, rendered against the TOML file with a caret.
//!
//! Output is streamed: each file's findings are written as soon as that file is checked, so
//! memory does not grow with the number of files. Colour only when asked for (the CLI decides
//! from the terminal).

mod human;
mod json;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::pack::{FileProblem, RuleFile};
use crate::source::Source;

pub use human::render_problems;

/// The output formats of `copydesk check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Compiler-style findings with the source lines, labels and fixes.
    Human,
    /// One line per finding: `path:line:column: level[rule]: message`.
    Short,
    /// One JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    Json,
}

/// Counts of what a run found and shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub suggestions: usize,
}

impl Summary {
    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Suggestion => self.suggestions += 1,
        }
    }
}

/// Writes findings file by file in one format.
pub struct Reporter<W: Write> {
    out: W,
    format: OutputFormat,
    color: bool,
    pub summary: Summary,
    wrote_any: bool,
}

impl<W: Write> Reporter<W> {
    /// A reporter writing to `out` in `format`, with ANSI colour when `color`.
    pub fn new(out: W, format: OutputFormat, color: bool) -> Reporter<W> {
        Reporter { out, format, color, summary: Summary::default(), wrote_any: false }
    }

    /// Writes what comes before the first file (the JSON header).
    pub fn begin(&mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out.write_all(b"{\"version\": 1, \"diagnostics\": [")?;
        }
        Ok(())
    }

    /// Writes one file's findings (already filtered and sorted).
    pub fn file(&mut self, source: &Source, diagnostics: &[Diagnostic]) -> io::Result<()> {
        self.summary.files += 1;
        for d in diagnostics {
            self.summary.count(d.severity);
        }
        match self.format {
            OutputFormat::Human => {
                for d in diagnostics {
                    self.out.write_all(&human::render(source, d, self.color)?)?;
                }
            }
            OutputFormat::Short => {
                let path = source.display_path();
                for d in diagnostics {
                    let p = source.lines.position(&source.text, d.range.start);
                    writeln!(
                        self.out,
                        "{path}:{}:{}: {}[{}]: {}",
                        p.line, p.column, d.severity, d.rule, d.message
                    )?;
                }
            }
            OutputFormat::Json => {
                for d in diagnostics {
                    self.out.write_all(if self.wrote_any { b",\n  " } else { b"\n  " })?;
                    self.wrote_any = true;
                    serde_json::to_writer(&mut self.out, &json::diagnostic(source, d))?;
                }
            }
        }
        Ok(())
    }

    /// Writes what comes after the last file (the summary) and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        let s = self.summary;
        match self.format {
            OutputFormat::Human => {
                let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                writeln!(
                    self.out,
                    "Checked {}: {}, {}, {}.",
                    plural(s.files, "file"),
                    plural(s.errors, "error"),
                    plural(s.warnings, "warning"),
                    plural(s.suggestions, "suggestion"),
                )?;
            }
            OutputFormat::Short => {}
            OutputFormat::Json => {
                let newline = if self.wrote_any { "\n" } else { "" };
                writeln!(
                    self.out,
                    "{newline}], \"summary\": {{\"files\": {}, \"errors\": {}, \"warnings\": {}, \"suggestions\": {}}}}}",
                    s.files, s.errors, s.warnings, s.suggestions
                )?;
            }
        }
        self.out.flush()
    }
}

/// Renders rule-file problems to a writer (the CLI sends them to stderr).
pub fn write_problems(
    out: &mut impl Write,
    files: &[RuleFile],
    problems: &[FileProblem],
    color: bool,
) -> io::Result<()> {
    out.write_all(&render_problems(files, problems, color)?)
}
