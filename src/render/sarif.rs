//! SARIF 2.1.0, the format code-scanning services read (GitHub code scanning, Azure DevOps):
//! one run of the `copydesk` tool, with the metadata of every rule that ran and one result per
//! finding. Columns count Unicode code points (`columnKind`), like every other format here;
//! regions also give byte offsets. The output validates against the official schema
//! (`fixtures/sarif-schema-2.1.0.json`, checked by `tests/formats.rs`).

use serde_json::{Map, Value, json};

use super::RuleInfo;
use crate::diagnostic::{Diagnostic, Severity};
use crate::hash::Map as FastMap;
use crate::source::Source;

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// The document up to the opening of `results`, with the rules' metadata.
pub(super) fn header(rules: &[RuleInfo]) -> String {
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.id,
                "shortDescription": {"text": r.description},
                "fullDescription": {"text": r.rationale.as_deref().unwrap_or(&r.description)},
                "help": {"text": help(r)},
                "defaultConfiguration": {"level": level(r.level)},
                "properties": {"severity": r.level.as_str()},
            });
            if let Some(link) = &r.link {
                rule["helpUri"] = json!(link);
            }
            rule
        })
        .collect();
    let driver = json!({
        "name": "copydesk",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    let head = serde_json::to_string(&driver).expect("JSON values serialise");
    format!(
        "{{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": [{{\"tool\": {{\"driver\": {head}}}, \"columnKind\": \"unicodeCodePoints\", \"results\": ["
    )
}

/// What follows the last result.
pub(super) const FOOTER: &str = "]}]}";

fn help(rule: &RuleInfo) -> String {
    match &rule.rationale {
        Some(rationale) => format!("{}\n\n{rationale}", rule.description),
        None => rule.description.clone(),
    }
}

/// A result for one finding.
pub(super) fn result(source: &Source, d: &Diagnostic, index: &FastMap<String, usize>) -> Value {
    let uri = uri(&source.display_path());
    let region = |range: &std::ops::Range<usize>| {
        let (start, end) = (
            source.lines.position(&source.text, range.start),
            source.lines.position(&source.text, range.end),
        );
        json!({
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": range.start,
            "byteLength": range.end - range.start,
        })
    };
    let location = |range: &std::ops::Range<usize>| json!({"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region(range)}});
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(d.rule));
    if let Some(i) = index.get(&d.rule) {
        result.insert("ruleIndex".into(), json!(i));
    }
    result.insert("level".into(), json!(level(d.severity)));
    result.insert("message".into(), json!({"text": d.message}));
    result.insert("locations".into(), json!([location(&d.range)]));
    if !d.labels.is_empty() {
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut related = location(&l.range);
                related["id"] = json!(i);
                related["message"] = json!({"text": l.message});
                related
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": {"byteOffset": e.range.start, "byteLength": e.range.end - e.range.start},
                    "insertedContent": {"text": e.replacement},
                })
            })
            .collect();
        result.insert(
            "fixes".into(),
            json!([{
                "description": {"text": fix.title},
                "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
                "properties": {"applicability": fix.applicability.as_str()},
            }]),
        );
    }
    result.insert("properties".into(), json!({"severity": d.severity.as_str()}));
    Value::Object(result)
}

/// A path as a URI reference: `/` separators, and every byte outside the unreserved set
/// percent-encoded (`my story.md` is `my%20story.md`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("drafts/my story é.md"), "drafts/my%20story%20%C3%A9.md");
    }
}
