//! The human format, rendered by codespan-reporting against the article (findings) or the TOML
//! file (problems in rules). codespan has no "suggestion" severity; suggestions are rendered as
//! its `help` severity and the header word is renamed.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFiles};
use codespan_reporting::term::{self, Config, termcolor::Buffer};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::pack::{FileProblem, RuleFile};
use crate::source::Source;

/// One article as codespan sees it, with lines from the article's own line index.
struct Article<'a> {
    name: String,
    source: &'a Source,
}

impl<'a> Files<'a> for Article<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.source.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.source.lines.line_of(byte_index))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let lines = &self.source.lines;
        lines
            .line_range(line_index, self.source.text.len())
            .ok_or(FilesError::LineTooLarge { given: line_index, max: lines.line_count().saturating_sub(1) })
    }
}

fn buffer(color: bool) -> Buffer {
    if color { Buffer::ansi() } else { Buffer::no_color() }
}

/// Renders one finding.
pub(super) fn render(source: &Source, d: &Diagnostic, color: bool) -> Vec<u8> {
    let files = Article { name: source.display_path(), source };
    let mut labels = vec![CsLabel::primary((), d.range.clone())];
    labels.extend(d.labels.iter().map(|l| CsLabel::secondary((), l.range.clone()).with_message(&l.message)));
    let mut notes = d.notes.clone();
    if let Some(fix) = &d.fix {
        let caution = if fix.applicability == Applicability::Unsafe { " (unsafe fix: check it)" } else { "" };
        notes.push(format!("help: {}{caution}", fix.title));
    }
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Suggestion => CsSeverity::Help,
    };
    let diagnostic = CsDiagnostic::new(severity)
        .with_code(&d.rule)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes);
    let mut out = buffer(color);
    let rendered = term::emit_to_write_style(&mut out, &Config::default(), &files, &diagnostic);
    debug_assert!(rendered.is_ok(), "ranges come from the same text: {rendered:?}");
    let mut bytes = out.into_inner();
    if d.severity == Severity::Suggestion {
        rename_header(&mut bytes);
    }
    bytes
}

/// Replaces the first `help[` (codespan's header for our suggestions) with `suggestion[`.
fn rename_header(bytes: &mut Vec<u8>) {
    if let Some(at) = bytes.windows(5).position(|w| w == b"help[") {
        bytes.splice(at..at + 4, b"suggestion".iter().copied());
    }
}

/// Renders problems in rule or pack files, each against its TOML file.
pub fn render_problems(files: &[RuleFile], problems: &[FileProblem], color: bool) -> Vec<u8> {
    let mut db = SimpleFiles::new();
    for file in files {
        db.add(file.path.as_str(), file.text.as_str());
    }
    let mut out = buffer(color);
    for p in problems {
        let label = CsLabel::primary(p.file, p.problem.span.clone()).with_message(&p.problem.label);
        let diagnostic = CsDiagnostic::error()
            .with_message(&p.problem.message)
            .with_labels(vec![label])
            .with_notes(p.problem.notes.clone());
        let rendered = term::emit_to_write_style(&mut out, &Config::default(), &db, &diagnostic);
        debug_assert!(rendered.is_ok(), "problem spans come from the same file: {rendered:?}");
    }
    out.into_inner()
}
