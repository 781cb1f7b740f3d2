//! The engine: a loaded rule set run over one document at a time.
//!
//! It parses the markup, segments once, runs each rule's kind, and turns hits into diagnostics:
//! rule id, severity, message from the template, labels, and the fix unless the fix would touch a
//! direct quotation or markup. Output is sorted by (start, end, rule). No I/O here.

use crate::diagnostic::Diagnostic;
use crate::kinds::{Context, Hit};
use crate::markup::Document;
use crate::pack::{Language, RuleFile};
use crate::rule::Rule;
use crate::segment::Segments;
use crate::source::Format;

/// Rules ready to run, with the files they came from (for reporting problems in them) and the
/// language data of their packs.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub files: Vec<RuleFile>,
    pub rules: Vec<Rule>,
    pub language: Language,
    /// Every rule id and pack loaded, before `select` narrowed the rules that run: a
    /// suppression comment may name any of them.
    pub loaded: Vec<String>,
}

impl RuleSet {
    /// Checks one document with every rule.
    pub fn check(&self, text: &str, format: Format) -> Vec<Diagnostic> {
        self.check_with(text, format, self.rules.iter())
    }

    /// Checks one document with the given rules of this set.
    pub fn check_with<'r>(
        &self,
        text: &str,
        format: Format,
        rules: impl Iterator<Item = &'r Rule>,
    ) -> Vec<Diagnostic> {
        let doc = Document::parse(text, format);
        let seg = self.language.segmenter.segment(&doc);
        let mut out = Vec::new();
        let mut hits = Vec::new();
        for rule in rules {
            let cx = Context { doc: &doc, seg: &seg, scope: rule.scope, skip_quotes: rule.skip_quotes };
            rule.kind.check(&cx, &mut hits);
            out.extend(hits.drain(..).filter_map(|hit| diagnostic(rule, hit, &doc, &seg)));
        }
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // Text the newsroom accepts (`[style] accept`) is never flagged.
        if let Some(accepted) = &self.language.accepted {
            let places: Vec<std::ops::Range<usize>> = accepted.find_iter(text).map(|m| m.range()).collect();
            out.retain(|d| !places.iter().any(|p| p.start <= d.range.start && d.range.end <= p.end));
        }
        // A name ran when every rule it covers ran: a suppression of rules that `--select` left
        // out is not stale. (Without a selection, `loaded` is empty and every rule ran.)
        let running = |id: &str| self.rules.iter().any(|r| r.id == id);
        let loaded_ids = || self.loaded.iter().filter(|n| n.contains('.'));
        let ran = |name: &str| {
            let covers = |id: &&String| crate::rule::covers(name, id);
            self.loaded.is_empty() || loaded_ids().filter(covers).all(|id| running(id))
        };
        let known = |name: &str| {
            self.loaded.iter().any(|n| n == name) || self.rules.iter().any(|r| r.id == name || r.pack == name)
        };
        let all_ran = loaded_ids().all(|id| running(id));
        crate::suppress::apply(text, doc.html.as_deref(), &mut out, known, ran, all_ran);
        out
    }

    /// Keeps the rules named by `select` (all when empty) and not named by `ignore`; a name is a
    /// rule id or a pack. Returns the names that match no rule.
    pub fn select(&mut self, select: &[String], ignore: &[String]) -> Vec<String> {
        if self.loaded.is_empty() {
            let names = self.rules.iter().flat_map(|r| [r.id.clone(), r.pack.clone()]);
            self.loaded = names.collect();
            self.loaded.sort();
            self.loaded.dedup();
        }
        let known = |name: &String| self.rules.iter().any(|r| r.id == *name || r.pack == *name);
        let unknown: Vec<String> = select.iter().chain(ignore).filter(|n| !known(n)).cloned().collect();
        let named = |rule: &Rule, names: &[String]| names.iter().any(|n| crate::rule::covers(n, &rule.id));
        self.rules.retain(|r| (select.is_empty() || named(r, select)) && !named(r, ignore));
        unknown
    }

    /// The rule with this id, if the set has it.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn diagnostic(rule: &Rule, hit: Hit, doc: &Document, seg: &Segments) -> Option<Diagnostic> {
    let mut notes = Vec::new();
    let fix = hit.fix.filter(|fix| !fix.edits.is_empty()).and_then(|fix| {
        let quoted = fix.edits.iter().any(|e| {
            seg.in_quote(e.range.start) || (e.range.end > e.range.start && seg.in_quote(e.range.end - 1))
        });
        if quoted {
            notes.push("not fixed automatically: the text is inside a direct quotation".to_owned());
            return None;
        }
        if !fix.edits.iter().all(|e| doc.is_plain(e.range.clone())) {
            notes.push("not fixed automatically: the text has markup inside it".to_owned());
            return None;
        }
        Some(fix)
    });
    Some(Diagnostic {
        rule: rule.id.clone(),
        severity: rule.level,
        message: rule.message.render(&hit.args),
        range: hit.range,
        labels: hit.labels,
        notes,
        fix,
    })
}
