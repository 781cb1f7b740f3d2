//! The JSON contract (version 1), documented in the README. Offsets are bytes of the file as
//! read; lines and columns are 1-based, columns counting Unicode scalar values.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::source::Source;

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    path: String,
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: usize,
    end: usize,
    replacement: &'a str,
}

pub(super) fn diagnostic<'a>(source: &Source, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let at = |offset: usize| source.lines.position(&source.text, offset);
    let (start, end) = (at(d.range.start), at(d.range.end));
    JsonDiagnostic {
        path: source.display_path(),
        rule: &d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        start: d.range.start,
        end: d.range.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        labels: d
            .labels
            .iter()
            .map(|l| {
                let (s, e) = (at(l.range.start), at(l.range.end));
                JsonLabel {
                    start: l.range.start,
                    end: l.range.end,
                    line: s.line,
                    column: s.column,
                    end_line: e.line,
                    end_column: e.column,
                    message: &l.message,
                }
            })
            .collect(),
        notes: &d.notes,
        fix: d.fix.as_ref().map(|f| JsonFix {
            title: &f.title,
            applicability: f.applicability.as_str(),
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit { start: e.range.start, end: e.range.end, replacement: &e.replacement })
                .collect(),
        }),
    }
}
