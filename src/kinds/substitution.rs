//! `substitution`: flags a word or phrase and offers the preferred form as a fix.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `swap` | table: regex → replacement | keys matched as whole words; `$1` in a value is the key's first group |
//! | `ignore-case` | bool, default false | match regardless of case |
//! | `nonword` | bool, default false | match keys anywhere, not as whole words |
//! | `keep-case` | bool, default true | give the replacement the writer's case (`Azeri`→`Azerbaijani`, `AZERI`→`AZERBAIJANI`) |
//! | `fix` | `"safe"` or `"unsafe"`, default safe | whether the fix may be applied without review |
//! | `exceptions` | list of regexes | whole-word matches that excuse a hit they overlap ("Chicken Kiev") |
//! | `skip-names` | bool, default false | ignore matches capitalized inside a sentence or in capitals, which are names ("Millenium Technology") |
//!
//! Placeholders: `{match}` (the text found) and `{replacement}`. When several keys could match at
//! one place, the first in the file wins. A match whose replacement is the same text is no hit.
//!
//! ```toml
//! message = "use `{replacement}` rather than `{match}`"
//! [substitution]
//! ignore-case = true
//! swap = { 'Azeri(s?)' = 'Azerbaijani$1', 'cease-fire' = 'ceasefire' }
//! ```

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use toml::Spanned;

use super::{Context, Hit, match_case};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::pattern::{Exceptions, Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "replacement"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["swap", "ignore-case", "nonword", "keep-case", "fix", "exceptions", "skip-names"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    swap: Spanned<Swap>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    nonword: bool,
    keep_case: Option<bool>,
    #[serde(default)]
    fix: FixSpec,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    #[serde(default)]
    skip_names: bool,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FixSpec {
    #[default]
    Safe,
    Unsafe,
}

/// The `swap` table, in file order (the order decides which key wins).
pub struct Swap(Vec<(Spanned<String>, Spanned<String>)>);

impl<'de> Deserialize<'de> for Swap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Swap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of pattern = replacement")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Swap, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Swap(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[derive(Debug)]
pub struct Substitution {
    patterns: Patterns,
    replacements: Vec<String>,
    keep_case: bool,
    applicability: Applicability,
    exceptions: Exceptions,
    skip_names: bool,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Substitution> {
    let spec = spanned.get_ref();
    let entries = &spec.swap.get_ref().0;
    if entries.is_empty() {
        cx.error(spec.swap.span(), "`swap` is empty, so this rule can never fire", "empty table");
        return None;
    }
    let keys: Vec<Spanned<String>> = entries.iter().map(|(k, _)| k.clone()).collect();
    let mode = if spec.nonword { Mode::Raw } else { Mode::Words };
    let patterns = Patterns::compile(cx, &keys, mode, spec.ignore_case);
    let exceptions = Exceptions::compile(cx, &spec.exceptions, spec.ignore_case);
    Some(Substitution {
        patterns: patterns?,
        exceptions: exceptions?,
        skip_names: spec.skip_names,
        replacements: entries.iter().map(|(_, v)| v.get_ref().clone()).collect(),
        keep_case: spec.keep_case.unwrap_or(true),
        applicability: match spec.fix {
            FixSpec::Safe => Applicability::Safe,
            FixSpec::Unsafe => Applicability::Unsafe,
        },
    })
}

impl Substitution {
    /// Whether the patterns have prefilter literals: then a document without any of them (none
    /// of the rule's slots found) has no match.
    pub fn needs_literals(&self) -> bool {
        self.patterns.prefiltered()
    }

    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        for (_, range, found) in cx.matches(&self.patterns, &self.exceptions, self.skip_names) {
            let written = &cx.doc.text[range.clone()];
            let mut replacement = found.expand(&self.replacements[found.origin]);
            if self.keep_case {
                replacement = match_case(written, &replacement);
            }
            if replacement == written {
                continue;
            }
            hits.push(Hit {
                args: vec![("match", written.to_owned()), ("replacement", replacement.clone())],
                fix: Some(Fix {
                    title: format!("replace with `{replacement}`"),
                    edits: vec![Edit { range: range.clone(), replacement }],
                    applicability: self.applicability,
                }),
                range,
                labels: Vec::new(),
            });
        }
    }
}
