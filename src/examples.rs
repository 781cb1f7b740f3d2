//! Examples inside rules are tests: every `bad` must be flagged, every `good` must not be, and
//! fixing `bad` must give `fixed`, which must then pass. Failures are problems with a caret on
//! the example's text in the rule file. Used when loading a newsroom's rules, by
//! `copydesk test-rules`, and by the test that walks every built-in rule.

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::engine::RuleSet;
use crate::fix;
use crate::rule::Rule;
use crate::source::Format;
use crate::toml_file::{self, Problem};

/// Examples are Markdown, so a rule scoped to headings can show one (`# Headline`).
const FORMAT: Format = Format::Markdown;

/// Checks every example of one rule; returns the problems, empty when all hold.
pub fn verify(set: &RuleSet, rule: &Rule) -> Vec<Problem> {
    let file = &set.files[rule.file].text;
    let check = |text: &str| set.check_with(text, FORMAT, std::iter::once(rule));
    let mut problems = Vec::new();
    for example in &rule.examples {
        if let Some(bad) = &example.bad {
            let found = check(bad.get_ref());
            if found.is_empty() {
                problems.push(Problem::new(
                    bad.span(),
                    "this `bad` example is not flagged",
                    "no finding here",
                ));
            } else if let Some(fixed) = &example.fixed {
                verify_fixed(&check, file, bad, fixed, &found, &mut problems);
            }
        }
        if let Some(good) = &example.good {
            if let Some(first) = check(good.get_ref()).first() {
                let span = toml_file::inner_span(file, &good.span(), good.get_ref(), first.range.clone());
                problems.push(
                    Problem::new(span, "this `good` example is flagged", "flagged here")
                        .with_note(format!("the rule says: {}", first.message)),
                );
            }
        }
    }
    problems
}

fn verify_fixed(
    check: &dyn Fn(&str) -> Vec<Diagnostic>,
    file: &str,
    bad: &Spanned<String>,
    fixed: &Spanned<String>,
    found: &[Diagnostic],
    problems: &mut Vec<Problem>,
) {
    let fixes = found.iter().filter_map(|d| d.fix.as_ref());
    let (result, applied) = fix::apply(bad.get_ref(), fixes);
    if applied == 0 {
        problems.push(Problem::new(
            fixed.span(),
            "the rule offers no fix for this example's `bad` text",
            "nothing to compare with",
        ));
        return;
    }
    if result != *fixed.get_ref() {
        problems.push(
            Problem::new(fixed.span(), "fixing `bad` does not give this text", "expected")
                .with_note(format!("fixing `bad` gives: {result:?}")),
        );
        return;
    }
    if let Some(first) = check(&result).first() {
        let span = toml_file::inner_span(file, &fixed.span(), fixed.get_ref(), first.range.clone());
        problems.push(
            Problem::new(span, "the fixed text is still flagged", "flagged here")
                .with_note(format!("the rule says: {}", first.message)),
        );
    }
}
