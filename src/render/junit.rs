//! JUnit XML, which CI servers (Jenkins, GitLab, Azure Pipelines) show as test results: a test
//! suite per article, a failing test case per finding, and one passing case for a clean article.

use std::fmt::Write;

use crate::diagnostic::Diagnostic;
use crate::source::Source;

pub(super) const HEADER: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"copydesk\">\n";
pub(super) const FOOTER: &str = "</testsuites>\n";

/// The test suite of one article.
pub(super) fn suite(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let path = escape(&source.display_path());
    let mut out = String::new();
    let tests = diagnostics.len().max(1);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
        diagnostics.len()
    );
    if diagnostics.is_empty() {
        let _ = writeln!(out, "    <testcase name=\"copydesk\" classname=\"{path}\"/>");
    }
    for d in diagnostics {
        let p = source.lines.position(&source.text, d.range.start);
        let _ = writeln!(
            out,
            "    <testcase name=\"{} at {}:{}\" classname=\"{path}\">\n      <failure message=\"{}\" type=\"{}\">{}: {path}:{}:{}: {}[{}]: {}</failure>\n    </testcase>",
            escape(&d.rule),
            p.line,
            p.column,
            escape(&d.message),
            d.severity,
            d.severity,
            p.line,
            p.column,
            d.severity,
            escape(&d.rule),
            escape(&d.message),
        );
    }
    out.push_str("  </testsuite>\n");
    out
}

/// Text for an XML attribute or element: the five special characters, and the control
/// characters XML 1.0 cannot carry, replaced.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
