//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which the runner turns into annotations on the pull request's changed files.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Source;

/// The workflow command for one finding.
pub(super) fn line(source: &Source, d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "notice",
    };
    let (start, end) = (
        source.lines.position(&source.text, d.range.start),
        source.lines.position(&source.text, d.range.end),
    );
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(&source.display_path()),
        start.line,
        start.column,
        end.line,
        end.column,
        property(&format!("{} ({})", d.rule, d.severity)),
        data(&d.message),
    )
}

/// The message of a command: `%`, CR and LF escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: as data, and `:` and `,` too, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_reads_as_syntax() {
        assert_eq!(data("100% sure\nnext"), "100%25 sure%0Anext");
        assert_eq!(property("a,b: c%"), "a%2Cb%3A c%25");
    }
}
