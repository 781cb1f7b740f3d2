//! Baselines: the findings an archive already has, recorded once (`--write-baseline FILE`) so
//! that later runs report only new ones (`--baseline FILE`). This is how a newsroom adopts
//! copydesk on years of existing copy.
//!
//! A finding is known by its file, its rule, the text it flags and a little of the text around
//! it on its own line (up to 16 characters either side, whitespace collapsed), never by its line
//! number: an edit elsewhere in the article, even in the next paragraph, does not bring it back. Identical findings are counted, so a third
//! `Azeri` in an article with two known ones is new.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::source::Source;

/// How much text either side of a finding, on its own line, identifies it, in characters.
const CONTEXT: usize = 16;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub text: String,
    pub before: String,
    pub after: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// The entry that identifies a finding.
pub fn entry(source: &Source, d: &Diagnostic) -> Entry {
    entry_at(&source.display_path(), &source.text, d)
}

/// The entry that identifies a finding in `text`, an article shown as `path`.
pub fn entry_at(path: &str, text: &str, d: &Diagnostic) -> Entry {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let line_start = text[..d.range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[d.range.end..].find('\n').map_or(text.len(), |i| d.range.end + i);
    let before: String = {
        let chars: Vec<char> = text[line_start..d.range.start].chars().rev().take(CONTEXT).collect();
        chars.into_iter().rev().collect()
    };
    let after: String = text[d.range.end..line_end].chars().take(CONTEXT).collect();
    Entry {
        path: path.to_owned(),
        rule: d.rule.clone(),
        text: squash(&text[d.range.clone()]),
        before: squash(&before),
        after: squash(&after),
    }
}

/// Known findings, by file, rule and text.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    known: HashMap<(String, String, String), Vec<Entry>>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let bad = |message: String| Error::Baseline { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let file: File =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a copydesk baseline: {e}")))?;
        if file.version != 1 {
            return Err(bad(format!("version {} is not one this copydesk reads (1)", file.version)));
        }
        let mut known: HashMap<(String, String, String), Vec<Entry>> = HashMap::new();
        for entry in file.findings {
            known
                .entry((entry.path.clone(), entry.rule.clone(), entry.text.clone()))
                .or_default()
                .push(entry);
        }
        Ok(Baseline { known })
    }

    /// Whether the baseline knows a finding like this one (for fixing: a known finding is not
    /// fixed, as it is not shown).
    pub fn knows(&self, e: &Entry) -> bool {
        self.known
            .get(&(e.path.clone(), e.rule.clone(), e.text.clone()))
            .is_some_and(|known| known.iter().any(|k| k.before == e.before || k.after == e.after))
    }

    /// Drops the findings the baseline knows, each known one once: first those whose context
    /// is unchanged, then those that kept the text on one side (the line was edited on the
    /// other).
    pub fn filter(&mut self, source: &Source, diagnostics: &mut Vec<Diagnostic>) {
        let entries: Vec<Entry> = diagnostics.iter().map(|d| entry(source, d)).collect();
        let mut known_here = vec![false; diagnostics.len()];
        for pass in 0..2 {
            for (i, e) in entries.iter().enumerate() {
                if known_here[i] {
                    continue;
                }
                let Some(candidates) = self.known.get_mut(&(e.path.clone(), e.rule.clone(), e.text.clone()))
                else {
                    continue;
                };
                let matches = |k: &Entry| {
                    if pass == 0 {
                        k.before == e.before && k.after == e.after
                    } else {
                        k.before == e.before || k.after == e.after
                    }
                };
                if let Some(at) = candidates.iter().position(matches) {
                    candidates.swap_remove(at);
                    known_here[i] = true;
                }
            }
        }
        let mut known = known_here.into_iter();
        diagnostics.retain(|_| !known.next().unwrap_or(false));
    }
}

/// The text of a baseline file holding `entries`.
pub fn render(entries: Vec<Entry>) -> String {
    let mut out = serde_json::to_string_pretty(&File { version: 1, findings: entries }).expect("plain data");
    out.push('\n');
    out
}
