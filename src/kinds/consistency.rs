//! `consistency`: one document, one form. Groups of variants (`defence` / `defense`, `ceasefire`
//! / `cease-fire`); when a document uses more than one form of a group, every use of a form other
//! than the winning one is flagged, with a label on the first use of the winner.
//!
//! The winner is the group's `prefer` form when it names one, otherwise the form used most, and
//! on a tie the one used first. A document that uses only one form, even a non-preferred one, is
//! consistent and is not flagged (a `substitution` rule enforces a house form).
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `[[consistency.group]]` | array of tables | one group of variants |
//! | `group.forms` | list of regexes | the variants, matched as whole words |
//! | `group.prefer` | string, optional | the form to keep; one of `forms` |
//! | `group.names` | list of strings, optional | what to call each form in messages ("curly quotation marks") |
//! | `ignore-case` | bool, default true | a form matches whatever its case |
//! | `exceptions` | list of regexes | whole-word matches that excuse a use they overlap ("US$" is not "US") |
//! | `skip-names` | bool, default false | ignore uses capitalized inside a sentence or in capitals, which are names or subheads ("Defense Department" in a story that writes "defence") |
//!
//! Placeholders: `{match}` (the text flagged) and `{other}` (the winning form as first written);
//! `{form}` and `{other-form}` are the names of the two forms where the group gives `names`, and
//! the same as `{match}` and `{other}` in backticks otherwise.
//! Fix: when both forms are literal text, replace with the winning one, in the writer's case (safe).
//!
//! ```toml
//! message = "`{match}` here, but `{other}` elsewhere in the story"
//! [consistency]
//! [[consistency.group]]
//! forms = ['ceasefire', 'cease-fire']
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, is_literal, match_case};
use crate::diagnostic::{Applicability, Edit, Fix, Label};
use crate::pattern::{Exceptions, Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "other", "form", "other-form"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["group", "ignore-case", "skip-names", "exceptions"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    group: Vec<Spanned<GroupSpec>>,
    ignore_case: Option<bool>,
    #[serde(default)]
    skip_names: bool,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    forms: Vec<Spanned<String>>,
    prefer: Option<Spanned<String>>,
    names: Option<Spanned<Vec<String>>>,
}

#[derive(Debug)]
struct Group {
    forms: Vec<String>,
    prefer: Option<usize>,
    names: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct Consistency {
    patterns: Patterns,
    groups: Vec<Group>,
    /// For each pattern, its group and its form's index in the group.
    owners: Vec<(usize, usize)>,
    /// For each pattern, its own prefilter slot (`None`: it may be anywhere).
    slots: Vec<Option<usize>>,
    /// For each pattern without a slot that is a literal matched with case (`US`), the literal:
    /// too short for the prefilter, and common in folded prose ("us", "status"), it is looked
    /// for in the prose as written, where it is rare.
    exact: Vec<Option<String>>,
    skip_names: bool,
    exceptions: Exceptions,
    /// Whether every pattern has a slot: then a document where fewer than two of the rule's
    /// slots were found has no group with two forms used.
    slotted: bool,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Consistency> {
    let (table, spec) = (spanned.span(), spanned.get_ref());
    if spec.group.is_empty() {
        cx.error(
            table.clone(),
            "this consistency rule has no `[[consistency.group]]`, so it can never fire",
            "here",
        );
        return None;
    }
    let mut all = Vec::new();
    let mut owners = Vec::new();
    let mut groups = Vec::new();
    let mut ok = true;
    for (g, group) in spec.group.iter().enumerate() {
        let forms = &group.get_ref().forms;
        if forms.len() < 2 {
            cx.error(
                group.span(),
                "a group needs at least two forms to be consistent between",
                "one form only",
            );
            ok = false;
        }
        // The newsroom's preferred forms (`copydesk.toml`, `[style] prefer`) come first.
        let house = forms.iter().position(|f| cx.language.house.prefer.iter().any(|p| p == f.get_ref()));
        let prefer = match &group.get_ref().prefer {
            None => house,
            Some(_) if house.is_some() => house,
            Some(prefer) => {
                let index = forms.iter().position(|f| f.get_ref() == prefer.get_ref());
                if index.is_none() {
                    cx.error(
                        prefer.span(),
                        format!("`{}` is not one of this group's forms", prefer.get_ref()),
                        "not in `forms`",
                    );
                    ok = false;
                }
                index
            }
        };
        let names = group.get_ref().names.as_ref().map(|names| {
            if names.get_ref().len() != forms.len() {
                cx.error(names.span(), "give one name for each form", format!("{} forms", forms.len()));
                ok = false;
            }
            names.get_ref().clone()
        });
        for (f, form) in forms.iter().enumerate() {
            all.push(form.clone());
            owners.push((g, f));
        }
        groups.push(Group { forms: forms.iter().map(|f| f.get_ref().clone()).collect(), prefer, names });
    }
    let ignore_case = spec.ignore_case.unwrap_or(true);
    // Each form gets a prefilter slot of its own (below), which is what decides whether a
    // document is searched; a slot for the whole list would only add literals to look for.
    let patterns = Patterns::compile_unfiltered(cx, &all, Mode::Words, ignore_case).flatten();
    let exceptions = Exceptions::compile(cx, &spec.exceptions, ignore_case);
    if !ok || patterns.is_none() {
        return None;
    }
    let slots: Vec<Option<usize>> =
        all.iter().map(|form| Patterns::slot_of(cx, form.get_ref(), ignore_case)).collect();
    // Each match is a match of one form, which holds that form's literals: with a slot for every
    // form, the list is searched near them.
    let parts: Option<Vec<_>> =
        all.iter().zip(&slots).map(|(form, slot)| Some(((*slot)?, form.get_ref().clone()))).collect();
    let patterns = patterns.map(|p| p.with_parts(parts.unwrap_or_default()));
    let exact = all
        .iter()
        .zip(&slots)
        .map(|(form, slot)| {
            let form = form.get_ref();
            // A space in a pattern matches any whitespace: such a form is not looked for as written.
            let plain = !form.is_empty() && is_literal(form) && !form.contains(char::is_whitespace);
            (slot.is_none() && !ignore_case && plain).then(|| form.clone())
        })
        .collect();
    let slotted = slots.iter().all(Option::is_some);
    Some(Consistency {
        patterns: patterns?,
        groups,
        owners,
        slots,
        slotted,
        exact,
        skip_names: spec.skip_names,
        exceptions: exceptions?,
    })
}

/// Whether `form` is in `text` where a match of it as a whole word may be: not glued to a
/// letter, digit or `_` on a side where it begins or ends with one (what the whole-word check of
/// `pattern` asks of a match). `US` is in most stories that write `U.S.`, inside `USD` or `USA`;
/// as a word in a fifth of them.
fn in_words(text: &str, form: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let starts = form.chars().next().is_some_and(word);
    let ends = form.chars().next_back().is_some_and(word);
    memchr::memmem::find_iter(text.as_bytes(), form.as_bytes()).any(|at| {
        let glued_before = starts && text[..at].chars().next_back().is_some_and(word);
        let glued_after = ends && text[at + form.len()..].chars().next().is_some_and(word);
        !glued_before && !glued_after
    })
}

struct Use {
    range: Range<usize>,
    form: usize,
}

impl Consistency {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        // A group is inconsistent only where two of its forms are used: when the prefilter
        // rules that out for every group, there is nothing to search for. Most documents have
        // fewer than two of the rule's literals in all (told without a look at each group).
        if self.slotted && cx.present.iter().filter(|&&found| found).count() < 2 {
            return;
        }
        let mut possible = vec![0usize; self.groups.len()];
        for (&(group, _), slot) in self.owners.iter().zip(&self.slots) {
            if slot.is_none_or(|s| cx.present.get(s).copied().unwrap_or(true)) {
                possible[group] += 1;
            }
        }
        // A literal matched with case is looked for as written only in a group that may be
        // inconsistent otherwise.
        for ((&(group, _), exact), slot) in self.owners.iter().zip(&self.exact).zip(&self.slots) {
            if let (Some(exact), None) = (exact, slot) {
                if possible[group] >= 2 && !in_words(&cx.doc.prose, exact) {
                    possible[group] -= 1;
                }
            }
        }
        if possible.iter().all(|&forms| forms < 2) {
            return;
        }
        // The uses of each group's forms, in document order.
        let mut uses: Vec<Vec<Use>> = self.groups.iter().map(|_| Vec::new()).collect();
        for (_, range, found) in cx.matches(&self.patterns, &self.exceptions, self.skip_names) {
            let (group, form) = self.owners[found.origin];
            uses[group].push(Use { range, form });
        }
        for (group, uses) in self.groups.iter().zip(&uses) {
            let mut count = vec![0usize; group.forms.len()];
            let mut first: Vec<Option<&Range<usize>>> = vec![None; group.forms.len()];
            for u in uses {
                count[u.form] += 1;
                first[u.form].get_or_insert(&u.range);
            }
            if count.iter().filter(|&&c| c > 0).count() < 2 {
                continue;
            }
            let winner = group.prefer.filter(|&p| count[p] > 0).unwrap_or_else(|| {
                (0..group.forms.len())
                    .filter(|&f| count[f] > 0)
                    .max_by_key(|&f| (count[f], std::cmp::Reverse(first[f].map_or(usize::MAX, |r| r.start))))
                    .expect("two forms are used")
            });
            let winner_range = first[winner].expect("the winner is used").clone();
            let other = cx.doc.text[winner_range.clone()].to_owned();
            let name = |form: usize, text: &str| {
                group.names.as_ref().map_or_else(|| format!("`{text}`"), |names| names[form].clone())
            };
            let other_form = name(winner, &other);
            for u in uses.iter().filter(|u| u.form != winner) {
                let written = &cx.doc.text[u.range.clone()];
                let literal = is_literal(&group.forms[winner]) && is_literal(&group.forms[u.form]);
                let fix = literal.then(|| {
                    let replacement = match_case(written, &group.forms[winner]);
                    Fix {
                        title: format!("replace with `{replacement}`"),
                        edits: vec![Edit { range: u.range.clone(), replacement }],
                        applicability: Applicability::Safe,
                    }
                });
                let args = vec![
                    ("match", written.to_owned()),
                    ("other", other.clone()),
                    ("form", name(u.form, written)),
                    ("other-form", other_form.clone()),
                ];
                let labels =
                    vec![Label { range: winner_range.clone(), message: format!("{other_form} used here") }];
                hits.push(Hit { range: u.range.clone(), args, labels, fix });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form is looked for as a whole word: not inside a longer word, on the sides where it
    /// begins or ends with a letter or digit.
    #[test]
    fn forms_are_found_as_whole_words() {
        assert!(!in_words("the USD and the USA rose", "US"));
        assert!(in_words("the USD and the US dollar", "US"));
        assert!(in_words("made in the US.", "US"));
        assert!(!in_words("x_US and éUS and US2", "US"));
        assert!(in_words("“US”", "US"));
        assert!(in_words("a U.S.-based firm", "U.S."));
        assert!(!in_words("AU.S.", "U.S."));
        assert!(!in_words("", "US"));
    }
}
