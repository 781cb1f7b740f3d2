//! reviewdog's diagnostic format (rdjson): `{"source": …, "diagnostics": […]}`, for
//! `reviewdog -f=rdjson`, which comments on pull requests. Columns count UTF-8 bytes, as the
//! format defines; ranges end exclusively; fixes are suggestions.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Source;

pub(super) const HEADER: &str = "{\"source\": {\"name\": \"copydesk\"}, \"diagnostics\": [";
pub(super) const FOOTER: &str = "]}";

/// One diagnostic.
pub(super) fn diagnostic(source: &Source, d: &Diagnostic) -> Value {
    let range = |r: &std::ops::Range<usize>| {
        let (start, end) = (
            source.lines.byte_position(r.start, source.text.len()),
            source.lines.byte_position(r.end, source.text.len()),
        );
        json!({"start": {"line": start.line, "column": start.column}, "end": {"line": end.line, "column": end.column}})
    };
    let severity = match d.severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Suggestion => "INFO",
    };
    let mut out = json!({
        "message": d.message,
        "location": {"path": source.display_path(), "range": range(&d.range)},
        "severity": severity,
        "source": {"name": "copydesk"},
        "code": {"value": d.rule},
    });
    if let Some(fix) = &d.fix {
        out["suggestions"] =
            fix.edits.iter().map(|e| json!({"range": range(&e.range), "text": e.replacement})).collect();
    }
    out
}
