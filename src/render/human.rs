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
    /// The parts of the line shown, in order; a long line shows only windows around its spans.
    parts: Vec<Part>,
}

/// A run of an article line shown in an excerpt.
struct Part {
    /// The article offsets of the run.
    article: Range<usize>,
    /// Where the run starts in the excerpt.
    excerpt_start: usize,
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
        // For each line touched, the places on it that must be shown: where each span starts and
        // ends on it.
        let mut touched: Vec<(usize, usize)> = Vec::new();
        for range in ranges {
            let first = source.lines.line_of(range.start);
            let last = source.lines.line_of(range.end.max(range.start + 1).min(text.len()).saturating_sub(1));
            for line in first..=last.max(first) {
                let bounds = source.lines.line_range(line, text.len()).unwrap_or(text.len()..text.len());
                touched.push((line, range.start.clamp(bounds.start, bounds.end)));
                touched.push((line, range.end.clamp(bounds.start, bounds.end)));
            }
        }
        touched.sort_unstable();
        let mut excerpt =
            Excerpt { name: source.display_path(), source, text: String::new(), shown: Vec::new() };
        let mut i = 0;
        while i < touched.len() {
            let line = touched[i].0;
            let places: Vec<usize> = touched[i..].iter().take_while(|t| t.0 == line).map(|t| t.1).collect();
            i += places.len();
            excerpt.push_line(line, &places);
        }
        excerpt
    }

    /// Adds a line; a long one as windows around `places`, joined by an ellipsis where the text
    /// between them is left out.
    fn push_line(&mut self, line: usize, places: &[usize]) {
        let text = &self.source.text;
        let bounds = self.source.lines.line_range(line, text.len()).unwrap_or(text.len()..text.len());
        let content = text[bounds.clone()].trim_end_matches(['\n', '\r']).len();
        let (line_start, line_end) = (bounds.start, bounds.start + content);
        let mut windows: Vec<Range<usize>> = Vec::new();
        if content <= LONG_LINE {
            windows.push(line_start..line_end);
        } else {
            for &place in places {
                let place = place.min(line_end);
                let mut start = floor_boundary(text, place.saturating_sub(CONTEXT).max(line_start));
                let mut end = ceil_boundary(text, (place + CONTEXT).min(line_end));
                // Cut between words where one is near.
                if start > line_start {
                    if let Some(space) = text[start..place].find(' ').filter(|&i| i < CONTEXT / 3) {
                        start += space + 1;
                    }
                }
                if end < line_end {
                    if let Some(space) =
                        text[place..end].rfind(' ').filter(|&i| end - (place + i) < CONTEXT / 3)
                    {
                        end = place + space;
                    }
                }
                match windows.last_mut() {
                    // Windows that touch, or nearly, are one.
                    Some(last) if start <= last.end + ELLIPSIS.len() * 4 => last.end = last.end.max(end),
                    _ => windows.push(start..end),
                }
            }
        }
        let range_start = self.text.len();
        let mut parts = Vec::new();
        let mut shown_to = line_start;
        for window in windows {
            if window.start > shown_to {
                self.text.push_str(ELLIPSIS);
            }
            parts.push(Part { article: window.clone(), excerpt_start: self.text.len() });
            self.text.push_str(&text[window.clone()]);
            shown_to = window.end;
        }
        if shown_to < line_end {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push('\n');
        self.shown.push(Shown { line, range: range_start..self.text.len(), parts });
    }

    /// Where an article offset is in the excerpt (an offset left out goes to the nearest part).
    fn to_excerpt(&self, offset: usize) -> usize {
        let line = self.source.lines.line_of(offset);
        let Some(shown) = self.shown.iter().find(|s| s.line == line) else { return self.text.len() };
        let i =
            shown.parts.partition_point(|p| p.article.end < offset).min(shown.parts.len().saturating_sub(1));
        match shown.parts.get(i) {
            Some(p) => p.excerpt_start + offset.clamp(p.article.start, p.article.end) - p.article.start,
            None => shown.range.start,
        }
    }

    fn shown_at(&self, excerpt_offset: usize) -> Option<&Shown> {
        let i = self.shown.partition_point(|s| s.range.start <= excerpt_offset);
        self.shown.get(i.checked_sub(1)?)
    }

    /// The article offset an excerpt offset shows.
    fn to_article(&self, excerpt_offset: usize) -> Option<usize> {
        let shown = self.shown_at(excerpt_offset)?;
        let i = shown.parts.partition_point(|p| p.excerpt_start <= excerpt_offset);
        let part = shown.parts.get(i.checked_sub(1)?)?;
        Some((part.article.start + excerpt_offset - part.excerpt_start).min(part.article.end))
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
        let Some(article) = self.to_article(byte_index) else { return Ok(1) };
        Ok(self.source.lines.position(&self.source.text, article).column)
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
