//! One rule file: its shape on disk ([`RuleSpec`]), and compiling it into a [`Rule`] with every
//! mistake reported as a [`Problem`] with a span in the file.
//!
//! The id is `<Pack>.<Rule>`, taken from the file's path, never written in the file. Common keys
//! sit at the top level; the kind is one table (`[substitution]`, `[consistency]` …), whose keys
//! its module in `kinds/` defines.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::kinds::{self, Kind};
use crate::markup::{Scope, ScopeSet};
use crate::pack::Language;
use crate::template::Template;
use crate::toml_file::{self, Problem};

/// A rule file as written. Kind tables are listed in `kinds::KINDS` order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    // Required, but optional here so that a missing one is reported beside every other mistake.
    description: Option<Spanned<String>>,
    rationale: Option<String>,
    message: Option<Spanned<String>>,
    level: Option<Spanned<String>>,
    scope: Option<Spanned<Vec<Spanned<String>>>>,
    link: Option<String>,
    skip_quotes: Option<bool>,
    #[serde(default)]
    example: Vec<Spanned<ExampleSpec>>,
    existence: Option<Spanned<kinds::existence::Spec>>,
    substitution: Option<Spanned<kinds::substitution::Spec>>,
    consistency: Option<Spanned<kinds::consistency::Spec>>,
    repetition: Option<Spanned<kinds::repetition::Spec>>,
    occurrence: Option<Spanned<kinds::occurrence::Spec>>,
    capitalization: Option<Spanned<kinds::capitalization::Spec>>,
    date: Option<Spanned<kinds::date::Spec>>,
    attribution: Option<Spanned<kinds::attribution::Spec>>,
    duplicate: Option<Spanned<kinds::duplicate::Spec>>,
    names: Option<Spanned<kinds::names::Spec>>,
    balance: Option<Spanned<kinds::balance::Spec>>,
}

/// One `[[example]]` entry: text the rule must flag, text it must pass, and what fixing `bad`
/// must give.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub bad: Option<Spanned<String>>,
    pub good: Option<Spanned<String>>,
    pub fixed: Option<Spanned<String>>,
}

/// A compiled rule, ready to run.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub pack: String,
    /// Index of the rule's file in the rule set, for reporting problems in it.
    pub file: usize,
    pub description: String,
    pub rationale: Option<String>,
    pub link: Option<String>,
    pub level: Severity,
    pub scope: ScopeSet,
    pub skip_quotes: bool,
    pub message: Template,
    pub examples: Vec<ExampleSpec>,
    pub kind: Kind,
    /// The literal sets its patterns need, by prefilter slot (see [`Compiler::prefilter`]).
    pub literals: Vec<Vec<Vec<u8>>>,
    /// The regexes it compiles when first searched with (see [`Compiler::deferred`]).
    pub deferred: Vec<std::sync::Arc<dyn crate::pattern::Deferred>>,
}

/// Whether a name from the command line, a configuration or a suppression comment covers a rule:
/// the rule's id, or its pack (`News` covers `News.Azeri`).
pub fn covers(name: &str, id: &str) -> bool {
    id == name || id.strip_prefix(name).is_some_and(|rest| rest.starts_with('.'))
}

/// Collects the problems of one file while its parts compile, and maps carets into strings.
pub struct Compiler<'a> {
    file: &'a str,
    /// The packs' language data (the calendar the date kind matches with).
    pub language: &'a Language,
    pub problems: Vec<Problem>,
    /// The literal sets of the rule's patterns, for the rule set's prefilter, by slot.
    pub literals: Vec<Vec<Vec<u8>>>,
    /// Whether regexes may be compiled when first searched with (a built-in rule's).
    pub lazy: bool,
    /// The regexes left to compile when first searched with, which a run over many files
    /// compiles sooner if it has a core to spare ([`crate::engine::RuleSet::prepare`]).
    pub deferred: Vec<std::sync::Arc<dyn crate::pattern::Deferred>>,
}

impl<'a> Compiler<'a> {
    /// A compiler for the rule file whose text is `file`.
    pub fn new(file: &'a str, language: &'a Language) -> Compiler<'a> {
        Compiler {
            file,
            language,
            problems: Vec::new(),
            literals: Vec::new(),
            lazy: false,
            deferred: Vec::new(),
        }
    }

    /// Gives a list of patterns a prefilter slot: the rule set looks for `literals` in each
    /// document once, for all rules, and the patterns are searched only where one is found.
    pub fn prefilter(&mut self, literals: Vec<Vec<u8>>) -> usize {
        self.literals.push(literals);
        self.literals.len() - 1
    }

    /// Reports a problem at `span` of the file.
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>, label: impl Into<String>) {
        self.problems.push(Problem::new(span, message, label));
    }

    /// Reports a problem built by the caller.
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// An error on bytes `inner` of a string value.
    pub fn error_in(&mut self, value: &Spanned<String>, inner: Range<usize>, message: impl Into<String>) {
        let span = toml_file::inner_span(self.file, &value.span(), value.get_ref(), inner);
        self.problems.push(Problem::new(span, message, "here"));
    }
}

/// Where a rule comes from: its pack, its name, and its file's index and text.
pub struct Origin<'a> {
    pub pack: &'a str,
    pub name: &'a str,
    pub file: usize,
    pub text: &'a str,
    /// Built into the binary: its regexes, which the tests compile, are compiled when first
    /// searched with, so that a run compiles only the ones its documents need.
    pub builtin: bool,
}

/// Parses and compiles one rule file.
pub fn compile(origin: &Origin, language: &Language) -> Result<Rule, Vec<Problem>> {
    let parsed = toml_file::parse::<RuleSpec>(origin.text);
    let mut cx = Compiler::new(origin.text, language);
    cx.lazy = origin.builtin;
    cx.problems = parsed.problems.into_iter().map(hint_kind_table).collect();
    let Some(spec) = parsed.value else { return Err(cx.problems) };
    for (key, present) in [("description", spec.description.is_some()), ("message", spec.message.is_some())] {
        if !present {
            cx.error(0..0, format!("missing key `{key}`"), format!("every rule needs a `{key}`"));
        }
    }
    let level = match &spec.level {
        None => Some(Severity::Warning),
        Some(level) => {
            let parsed = Severity::parse(level.get_ref());
            if parsed.is_none() {
                let mut problem = Problem::new(
                    level.span(),
                    format!("unknown level `{}`", level.get_ref()),
                    "expected `error`, `warning` or `suggestion`",
                );
                if let Some(best) = toml_file::closest(level.get_ref(), &["error", "warning", "suggestion"]) {
                    problem = problem.with_note(format!("help: did you mean `{best}`?"));
                }
                cx.push(problem);
            }
            parsed
        }
    };
    let scope = match &spec.scope {
        None => Some(ScopeSet::ALL),
        Some(list) => {
            let mut scopes = Vec::new();
            for name in list.get_ref() {
                match Scope::parse(name.get_ref()) {
                    Some(scope) => scopes.push(scope),
                    None => {
                        let names = Scope::ALL.map(|s| format!("`{}`", s.as_str())).join(", ");
                        cx.error(
                            name.span(),
                            format!("unknown scope `{}`", name.get_ref()),
                            format!("expected one of {names}"),
                        );
                    }
                }
            }
            if list.get_ref().is_empty() {
                cx.error(list.span(), "`scope` is empty, so this rule can never fire", "no block to read");
            }
            Some(ScopeSet::of(scopes))
        }
    };
    for example in &spec.example {
        let e = example.get_ref();
        if e.bad.is_none() && e.good.is_none() {
            cx.error(example.span(), "an example needs `bad` or `good` text", "empty example");
        }
        if let (Some(fixed), None) = (&e.fixed, &e.bad) {
            cx.error(fixed.span(), "`fixed` needs the `bad` text it fixes", "no `bad` in this example");
        }
    }
    let kind = compile_kind(&spec, &mut cx);
    if let (Some(Kind::Capitalization(_)), Some(list), Some(scope)) = (&kind, &spec.scope, scope) {
        if !scope.contains(Scope::Paragraph) && !scope.contains(Scope::List) && !scope.contains(Scope::Quote)
        {
            cx.error(
                list.span(),
                "a capitalization rule never reads headings or table cells, so this scope leaves it nothing",
                "no paragraph, list or quote",
            );
        }
    }
    // The message is checked against the kind named even when the kind's table has mistakes.
    let kind_name = present_kinds(&spec).first().map(|(name, _)| *name);
    let message = kind_name.zip(spec.message.as_ref()).and_then(|(name, message)| {
        Template::parse(message.get_ref(), kinds::placeholders_of(name))
            .map_err(|errors| {
                for error in errors {
                    cx.error_in(message, error.range, error.message);
                }
            })
            .ok()
    });
    match (cx.problems.is_empty(), level, scope, kind, message) {
        (true, Some(level), Some(scope), Some(kind), Some(message)) => Ok(Rule {
            id: format!("{}.{}", origin.pack, origin.name),
            pack: origin.pack.to_owned(),
            file: origin.file,
            description: spec.description.map(Spanned::into_inner).unwrap_or_default(),
            rationale: spec.rationale,
            link: spec.link,
            level,
            scope,
            skip_quotes: spec.skip_quotes.unwrap_or(kind.skips_quotes_by_default()),
            message,
            examples: spec.example.into_iter().map(Spanned::into_inner).collect(),
            kind,
            literals: cx.literals,
            deferred: cx.deferred,
        }),
        _ => {
            let mut problems = cx.problems;
            problems.sort_by_key(|p| (p.span.start, p.span.end));
            Err(problems)
        }
    }
}

/// Whether an unknown key already reported is a misspelt kind (`[existance]`), which explains
/// why the rule has none.
fn misspelt_kind(problems: &[Problem]) -> bool {
    problems.iter().any(|p| {
        let key = p.message.strip_prefix("unknown key `").and_then(|k| k.strip_suffix('`'));
        key.is_some_and(|key| toml_file::closest(key, &kinds::KINDS).is_some())
    })
}

/// Adds a note to an unknown key that belongs in a kind's table (`swap` at the top level).
fn hint_kind_table(problem: Problem) -> Problem {
    let key =
        problem.message.strip_prefix("unknown key `").and_then(|k| k.strip_suffix('`')).map(str::to_owned);
    let tables = key.as_deref().map(Kind::tables_with_key).unwrap_or_default();
    match key {
        Some(key) if !tables.is_empty() => {
            let names = tables.iter().map(|t| format!("[{t}]")).collect::<Vec<_>>().join(", ");
            problem.with_note(format!("`{key}` is a key of the {names} table"))
        }
        _ => problem,
    }
}

/// The kind tables a rule file has, with their spans, in `kinds::KINDS` order.
fn present_kinds(spec: &RuleSpec) -> Vec<(&'static str, Range<usize>)> {
    [
        ("existence", spec.existence.as_ref().map(Spanned::span)),
        ("substitution", spec.substitution.as_ref().map(Spanned::span)),
        ("consistency", spec.consistency.as_ref().map(Spanned::span)),
        ("repetition", spec.repetition.as_ref().map(Spanned::span)),
        ("occurrence", spec.occurrence.as_ref().map(Spanned::span)),
        ("capitalization", spec.capitalization.as_ref().map(Spanned::span)),
        ("date", spec.date.as_ref().map(Spanned::span)),
        ("attribution", spec.attribution.as_ref().map(Spanned::span)),
        ("duplicate", spec.duplicate.as_ref().map(Spanned::span)),
        ("names", spec.names.as_ref().map(Spanned::span)),
        ("balance", spec.balance.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(name, span)| Some((name, span?)))
    .collect()
}

/// Compiles the one kind table of a rule; none or several is an error.
fn compile_kind(spec: &RuleSpec, cx: &mut Compiler) -> Option<Kind> {
    let present = present_kinds(spec);
    match present.as_slice() {
        [] if misspelt_kind(&cx.problems) => return None,
        [] => {
            let names = kinds::KINDS.map(|k| format!("[{k}]")).join(", ");
            cx.push(
                Problem::new(0..0, "this rule has no kind", "add a kind table")
                    .with_note(format!("a rule names its kind with one table: {names}")),
            );
            return None;
        }
        [_] => {}
        [(first, _), rest @ ..] => {
            for (name, span) in rest {
                cx.error(
                    span.clone(),
                    format!("a rule has one kind, and this one already is `{first}`"),
                    format!("second kind `{name}`"),
                );
            }
            return None;
        }
    }
    if let Some(s) = &spec.existence {
        return kinds::existence::compile(s, cx).map(Kind::Existence);
    }
    if let Some(s) = &spec.substitution {
        return kinds::substitution::compile(s, cx).map(Kind::Substitution);
    }
    if let Some(s) = &spec.consistency {
        return kinds::consistency::compile(s, cx).map(Kind::Consistency);
    }
    if let Some(s) = &spec.repetition {
        return kinds::repetition::compile(s, cx).map(Kind::Repetition);
    }
    if let Some(s) = &spec.occurrence {
        return kinds::occurrence::compile(s, cx).map(Kind::Occurrence);
    }
    if let Some(s) = &spec.capitalization {
        return kinds::capitalization::compile(s, cx).map(Kind::Capitalization);
    }
    if let Some(s) = &spec.date {
        return kinds::date::compile(s, cx).map(Kind::Date);
    }
    if let Some(s) = &spec.attribution {
        return kinds::attribution::compile(s, cx).map(Kind::Attribution);
    }
    if let Some(s) = &spec.duplicate {
        return kinds::duplicate::compile(s, cx).map(Kind::Duplicate);
    }
    if let Some(s) = &spec.names {
        return kinds::names::compile(s, cx).map(Kind::Names);
    }
    if let Some(s) = &spec.balance {
        return kinds::balance::compile(s, cx).map(Kind::Balance);
    }
    None
}
