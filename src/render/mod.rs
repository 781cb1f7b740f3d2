//! Output: findings as a human reads them (codespan-reporting), one per line (`short`), as JSON
//! for tools, and in the formats CI services read (SARIF, GitHub workflow commands, JUnit XML,
//! reviewdog's rdjson); and mistakes in rule files, rendered against the TOML file with a caret.
//!
//! Output is streamed: each file's findings are written as soon as that file is checked, so
//! memory does not grow with the number of files. Colour only when asked for (the CLI decides
//! from the terminal).

mod github;
mod human;
mod json;
mod junit;
mod rdjson;
mod sarif;

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
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…::message`), shown as annotations.
    Github,
    /// JUnit XML, for CI servers' test reports.
    Junit,
    /// reviewdog's diagnostic format, for `reviewdog -f=rdjson`.
    Rdjson,
}

/// What the formats that describe rules (SARIF) say about each rule that ran.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    pub description: String,
    pub rationale: Option<String>,
    pub link: Option<String>,
    pub level: Severity,
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
    rules: Vec<RuleInfo>,
    rule_index: crate::hash::Map<String, usize>,
}

impl<W: Write> Reporter<W> {
    /// A reporter writing to `out` in `format`, with ANSI colour when `color`.
    pub fn new(out: W, format: OutputFormat, color: bool) -> Reporter<W> {
        Reporter {
            out,
            format,
            color,
            summary: Summary::default(),
            wrote_any: false,
            rules: Vec::new(),
            rule_index: crate::hash::Map::default(),
        }
    }

    /// The rules that run, for the formats that describe them (SARIF).
    pub fn with_rules(mut self, rules: Vec<RuleInfo>) -> Reporter<W> {
        self.rule_index = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        self.rules = rules;
        self
    }

    /// Writes `item` after a separator when something was written before it.
    fn item(&mut self, item: &impl serde::Serialize) -> io::Result<()> {
        self.out.write_all(if self.wrote_any { b",\n  " } else { b"\n  " })?;
        self.wrote_any = true;
        serde_json::to_writer(&mut self.out, item)?;
        Ok(())
    }

    /// Writes what comes before the first file (the JSON header).
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => self.out.write_all(b"{\"version\": 1, \"diagnostics\": [")?,
            OutputFormat::Sarif => self.out.write_all(sarif::header(&self.rules).as_bytes())?,
            OutputFormat::Junit => self.out.write_all(junit::HEADER.as_bytes())?,
            OutputFormat::Rdjson => self.out.write_all(rdjson::HEADER.as_bytes())?,
            OutputFormat::Human | OutputFormat::Short | OutputFormat::Github => {}
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
                    self.item(&json::diagnostic(source, d))?;
                }
            }
            OutputFormat::Sarif => {
                for d in diagnostics {
                    let result = sarif::result(source, d, &self.rule_index);
                    self.item(&result)?;
                }
            }
            OutputFormat::Rdjson => {
                for d in diagnostics {
                    self.item(&rdjson::diagnostic(source, d))?;
                }
            }
            OutputFormat::Github => {
                for d in diagnostics {
                    writeln!(self.out, "{}", github::line(source, d))?;
                }
            }
            OutputFormat::Junit => self.out.write_all(junit::suite(source, diagnostics).as_bytes())?,
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
            OutputFormat::Short | OutputFormat::Github => {}
            OutputFormat::Sarif | OutputFormat::Rdjson => {
                let newline = if self.wrote_any { "\n" } else { "" };
                let footer = if self.format == OutputFormat::Sarif { sarif::FOOTER } else { rdjson::FOOTER };
                writeln!(self.out, "{newline}{footer}")?;
            }
            OutputFormat::Junit => self.out.write_all(junit::FOOTER.as_bytes())?,
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
