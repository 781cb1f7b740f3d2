//! The human format, rendered by codespan-reporting against the article (findings) or the TOML
//! file (problems in rules). codespan has no "suggestion" severity; suggestions are rendered as
//! its `help` severity and the header word is renamed.
//!
//! codespan prints whole source lines. Articles often keep a paragraph on one line, so a finding
//! is rendered against an excerpt: only the lines it touches, and of a long line only a window
//! around the spans on it, cut with `…`. Line and column numbers are those of the article. This
//! also keeps the output linear when one enormous line carries many findings.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFiles};
use codespan_reporting::term::{self, Config, termcolor::Buffer};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::pack::{FileProblem, RuleFile};
use crate::source::Source;

/// A line longer than this (in bytes) is shown as a window around its spans.
const LONG_LINE: usize = 160;

/// How much of a long line is shown on each side of the spans on it, in bytes.
const CONTEXT: usize = 60;

const ELLIPSIS: &str = "…";

/// One line of the article as shown in an excerpt.
struct Shown {
    /// The article's 0-based line index.
    line: usize,
    /// Where the line sits in the excerpt, its break included.
    range: Range<usize>,
    /// The article offset of the first byte shown, and where it is in the excerpt.
    article_start: usize,
    excerpt_start: usize,
    /// The article offset just after the last byte shown.
    article_end: usize,
}

/// The lines of an article that one finding touches, windowed, as codespan sees them.
struct Excerpt<'a> {
    name: String,
    source: &'a Source,
    text: String,
    shown: Vec<Shown>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of every line the ranges touch.
    fn new(source: &'a Source, ranges: &[Range<usize>]) -> Excerpt<'a> {
        let text = &source.text;
        // For each line touched, the part of it that must be shown.
        let mut touched: Vec<(usize, usize, usize)> = Vec::new();
        for range in ranges {
            let first = source.lines.line_of(range.start);
            let last = source.lines.line_of(range.end.max(range.start + 1).min(text.len()).saturating_sub(1));
            for line in first..=last.max(first) {
                let bounds = source.lines.line_range(line, text.len()).unwrap_or(text.len()..text.len());
                let lo = range.start.clamp(bounds.start, bounds.end);
                let hi = range.end.clamp(bounds.start, bounds.end);
                touched.push((line, lo, hi));
            }
        }
        touched.sort_unstable();
        let mut merged: Vec<(usize, usize, usize)> = Vec::new();
        for (line, lo, hi) in touched {
            match merged.last_mut() {
                Some(last) if last.0 == line => {
                    last.1 = last.1.min(lo);
                    last.2 = last.2.max(hi);
                }
                _ => merged.push((line, lo, hi)),
            }
        }
        let mut excerpt =
            Excerpt { name: source.display_path(), source, text: String::new(), shown: Vec::new() };
        for (line, lo, hi) in merged {
            excerpt.push_line(line, lo, hi);
        }
        excerpt
    }

    fn push_line(&mut self, line: usize, lo: usize, hi: usize) {
        let text = &self.source.text;
        let bounds = self.source.lines.line_range(line, text.len()).unwrap_or(text.len()..text.len());
        let content = text[bounds.clone()].trim_end_matches(['\n', '\r']).len();
        let (line_start, line_end) = (bounds.start, bounds.start + content);
        let (mut start, mut end) = (line_start, line_end);
        if content > LONG_LINE {
            start = floor_boundary(text, lo.saturating_sub(CONTEXT).max(line_start));
            end = ceil_boundary(text, (hi + CONTEXT).min(line_end));
            // Cut between words where one is near.
            if start > line_start {
                if let Some(space) = text[start..lo].find(' ').filter(|&i| i < CONTEXT / 3) {
                    start += space + 1;
                }
            }
            if end < line_end {
                if let Some(space) = text[hi..end].rfind(' ').filter(|&i| end - (hi + i) < CONTEXT / 3) {
                    end = hi + space;
                }
            }
        }
        let range_start = self.text.len();
        if start > line_start {
            self.text.push_str(ELLIPSIS);
        }
        let excerpt_start = self.text.len();
        self.text.push_str(&text[start..end]);
        if end < line_end {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push('\n');
        self.shown.push(Shown {
            line,
            range: range_start..self.text.len(),
            article_start: start,
            excerpt_start,
            article_end: end,
        });
    }

    /// Where an article offset is in the excerpt.
    fn to_excerpt(&self, offset: usize) -> usize {
        let line = self.source.lines.line_of(offset);
        match self.shown.iter().find(|s| s.line == line) {
            Some(s) => s.excerpt_start + offset.clamp(s.article_start, s.article_end) - s.article_start,
            None => self.text.len(),
        }
    }

    fn shown_at(&self, excerpt_offset: usize) -> Option<&Shown> {
        let i = self.shown.partition_point(|s| s.range.start <= excerpt_offset);
        self.shown.get(i.checked_sub(1)?)
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.shown_at(byte_index).map_or(0, |s| s.line))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        // A line codespan asks for but the finding does not touch is shown empty.
        Ok(self
            .shown
            .iter()
            .find(|s| s.line == line_index)
            .map_or(self.text.len()..self.text.len(), |s| s.range.clone()))
    }

    fn column_number(&'a self, (): (), _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let Some(s) = self.shown_at(byte_index) else { return Ok(1) };
        let article = s.article_start + byte_index.saturating_sub(s.excerpt_start);
        Ok(self.source.lines.position(&self.source.text, article.min(s.article_end)).column)
    }
}

fn buffer(color: bool) -> Buffer {
    if color { Buffer::ansi() } else { Buffer::no_color() }
}

/// Renders one finding.
pub(super) fn render(source: &Source, d: &Diagnostic, color: bool) -> std::io::Result<Vec<u8>> {
    let ranges: Vec<Range<usize>> =
        std::iter::once(d.range.clone()).chain(d.labels.iter().map(|l| l.range.clone())).collect();
    let excerpt = Excerpt::new(source, &ranges);
    let at = |r: &Range<usize>| excerpt.to_excerpt(r.start)..excerpt.to_excerpt(r.end);
    let mut labels = vec![CsLabel::primary((), at(&d.range))];
    labels.extend(d.labels.iter().map(|l| CsLabel::secondary((), at(&l.range)).with_message(&l.message)));
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
    term::emit_to_write_style(&mut out, &Config::default(), &excerpt, &diagnostic)
        .map_err(std::io::Error::other)?;
    let mut bytes = out.into_inner();
    if d.severity == Severity::Suggestion {
        rename_header(&mut bytes);
    }
    Ok(bytes)
}

/// Replaces the first `help[` (codespan's header for our suggestions) with `suggestion[`.
fn rename_header(bytes: &mut Vec<u8>) {
    if let Some(at) = bytes.windows(5).position(|w| w == b"help[") {
        bytes.splice(at..at + 4, b"suggestion".iter().copied());
    }
}

/// Renders problems in rule or pack files, each against its TOML file.
pub fn render_problems(
    files: &[RuleFile],
    problems: &[FileProblem],
    color: bool,
) -> std::io::Result<Vec<u8>> {
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
        term::emit_to_write_style(&mut out, &Config::default(), &db, &diagnostic)
            .map_err(std::io::Error::other)?;
    }
    Ok(out.into_inner())
}
