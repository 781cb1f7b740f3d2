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
//! | `ignore-case` | bool, default true | a form matches whatever its case |
//! | `skip-names` | bool, default false | ignore uses capitalized inside a sentence, which are names ("Defense Department" in a story that writes "defence") |
//!
//! Placeholders: `{match}` (the text flagged) and `{other}` (the winning form as first written).
//! Fix: when the winning form is literal text, replace with it, in the writer's case (safe).
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
use crate::markup::Scope;
use crate::pattern::{Mode, Patterns};
use crate::rule::Compiler;

pub const PLACEHOLDERS: &[&str] = &["match", "other"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    group: Vec<Spanned<GroupSpec>>,
    ignore_case: Option<bool>,
    #[serde(default)]
    skip_names: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    forms: Vec<Spanned<String>>,
    prefer: Option<Spanned<String>>,
}

#[derive(Debug)]
struct Group {
    forms: Vec<String>,
    prefer: Option<usize>,
}

#[derive(Debug)]
pub struct Consistency {
    patterns: Patterns,
    groups: Vec<Group>,
    /// For each pattern, its group and its form's index in the group.
    owners: Vec<(usize, usize)>,
    skip_names: bool,
}

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
        let prefer = match &group.get_ref().prefer {
            None => None,
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
        for (f, form) in forms.iter().enumerate() {
            all.push(form.clone());
            owners.push((g, f));
        }
        groups.push(Group { forms: forms.iter().map(|f| f.get_ref().clone()).collect(), prefer });
    }
    let patterns = Patterns::compile(cx, &all, Mode::Words, spec.ignore_case.unwrap_or(true));
    if !ok {
        return None;
    }
    Some(Consistency { patterns: patterns?, groups, owners, skip_names: spec.skip_names })
}

struct Use {
    range: Range<usize>,
    group: usize,
    form: usize,
}

impl Consistency {
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let mut uses = Vec::new();
        for block in cx.blocks() {
            let text = cx.doc.prose(block.range.clone());
            let base = block.range.start;
            for found in self.patterns.find_iter(text) {
                let range = base + found.start..base + found.end;
                let name_like = self.skip_names
                    && block.scope != Scope::Heading
                    && text[found.clone()].starts_with(char::is_uppercase)
                    && !cx.seg.starts_sentence(range.start);
                if name_like || !cx.counts(&range) {
                    continue;
                }
                let Some((pattern, _)) = self.patterns.which(&text[found]) else { continue };
                let (group, form) = self.owners[pattern];
                uses.push(Use { range, group, form });
            }
        }
        for (g, group) in self.groups.iter().enumerate() {
            let mut count = vec![0usize; group.forms.len()];
            let mut first: Vec<Option<&Range<usize>>> = vec![None; group.forms.len()];
            for u in uses.iter().filter(|u| u.group == g) {
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
            for u in uses.iter().filter(|u| u.group == g && u.form != winner) {
                let written = &cx.doc.text[u.range.clone()];
                let fix = is_literal(&group.forms[winner]).then(|| {
                    let replacement = match_case(written, &group.forms[winner]);
                    Fix {
                        title: format!("replace with `{replacement}`"),
                        edits: vec![Edit { range: u.range.clone(), replacement }],
                        applicability: Applicability::Safe,
                    }
                });
                hits.push(Hit {
                    range: u.range.clone(),
                    args: vec![("match", written.to_owned()), ("other", other.clone())],
                    labels: vec![Label {
                        range: winner_range.clone(),
                        message: format!("`{other}` is used here"),
                    }],
                    fix,
                });
            }
        }
    }
}
