//! Property tests (proptest): text generated around the built-in rules' own `bad` examples, and
//! sets of generated articles run through the binary. A failing case is shrunk and saved in
//! `tests/properties.proptest-regressions`, which is committed so it is tried first on every
//! later run. The cases come from a fixed seed, so that CI is repeatable; to explore new ones,
//! set `PROPTEST_RNG_SEED` (and `PROPTEST_CASES` for more of them).

#[path = "../fuzz/invariants.rs"]
mod invariants;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use copydesk::engine::RuleSet;
use copydesk::fix;
use copydesk::rule::Rule;
use copydesk::source::Format;
use proptest::prelude::*;

/// Pieces of text to build around an example: plain prose, and what stresses offsets and
/// context (multi-byte letters, CRLF, a no-break space, Markdown marks, other rules' triggers).
const PIECES: &[&str] = &[
    "The minister said ",
    "talks would resume",
    " on Tuesday",
    ". ",
    ", ",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "café ",
    "Élysée ",
    "中文 ",
    "𝄞",
    "\u{a0}",
    "“Fine,” he said. ",
    "(in Baku) ",
    "42 ",
    "Azeri ",
    "the the ",
    "Minsk Group ",
    "- ",
    "# ",
    "> ",
    "`x` ",
    "*",
];

/// `cases` cases from a fixed seed, unless `PROPTEST_RNG_SEED` asks for another.
fn config(cases: u32) -> ProptestConfig {
    let base = ProptestConfig::default();
    let seeded = std::env::var_os("PROPTEST_RNG_SEED").is_some();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { base.cases } else { cases };
    let rng_seed = if seeded { base.rng_seed } else { proptest::test_runner::RngSeed::Fixed(0x00c0_ffee) };
    ProptestConfig { cases, rng_seed, ..base }
}

fn builtin() -> &'static RuleSet {
    invariants::builtin()
}

/// Every (rule, `bad` text) of a built-in rule example that has a `fixed` text.
fn fixable() -> &'static [(usize, String)] {
    static CASES: OnceLock<Vec<(usize, String)>> = OnceLock::new();
    CASES.get_or_init(|| {
        let set = builtin();
        let mut cases = Vec::new();
        for (i, rule) in set.rules.iter().enumerate() {
            for example in &rule.examples {
                if let (Some(bad), Some(_)) = (&example.bad, &example.fixed) {
                    cases.push((i, bad.get_ref().clone()));
                }
            }
        }
        assert!(cases.len() >= 20, "the built-in rules show their fixes: {}", cases.len());
        cases
    })
}

fn surrounding() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..10).prop_map(|pieces| pieces.concat())
}

/// The findings of one rule alone.
fn findings(rule: &Rule, text: &str) -> Vec<copydesk::diagnostic::Diagnostic> {
    builtin().check_with(text, Format::Markdown, std::iter::once(rule))
}

/// Fixes everything `rule` can fix, pass after pass, as `copydesk check --fix --unsafe-fixes`
/// would with only that rule's fixes taken.
fn fix_all(rule: &Rule, text: &str) -> String {
    fix::until_stable(builtin(), text, Format::Markdown, fix::MAX_PASSES, |_, d| d.rule == rule.id).text
}

proptest! {
    #![proptest_config(config(256))]

    /// Around any of its `bad` examples, a rule's fixes change only the bytes they edit, leave
    /// nothing the rule could still fix, and fixing the result again changes nothing.
    #[test]
    fn fixing_removes_what_it_fixes_and_nothing_else(
        case in 0..fixable().len(),
        before in surrounding(),
        after in surrounding(),
        gap in prop::sample::select(&["", " ", "\n", "\n\n", "\r\n\r\n"][..]),
    ) {
        let (index, bad) = &fixable()[case];
        let rule = &builtin().rules[*index];
        let text = format!("{before}{gap}{bad}{gap}{after}");
        let found = findings(rule, &text);
        let edits: Vec<_> =
            found.iter().filter_map(|d| d.fix.as_ref()).flat_map(|f| &f.edits).map(|e| e.range.clone()).collect();
        let (once, _) = fix::apply(&text, found.iter().filter_map(|d| d.fix.as_ref()));
        invariants::assert_changed_only_inside(&text, &once, &edits);
        let fixed = fix_all(rule, &text);
        let left: Vec<_> = findings(rule, &fixed).into_iter().filter(|d| d.fix.is_some()).collect();
        prop_assert!(left.is_empty(), "{}: still fixable after fixing {:?}: {:?} in {:?}", rule.id, text, left, fixed);
        prop_assert_eq!(fix_all(rule, &fixed), fixed.clone(), "{}: fixing twice differs from once", rule.id);
    }
}

/// Articles for the run below: a few sentences of pieces each.
fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..40).prop_map(|pieces| pieces.concat() + "\n")
}

/// The JSON diagnostics of one file in a run's output.
fn of_file(json: &serde_json::Value, name: &str) -> Vec<serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .cloned()
        .collect()
}

fn run_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "json"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{o:?}");
    serde_json::from_slice(&o.stdout).expect("JSON")
}

proptest! {
    #![proptest_config(config(24))]

    /// What is said of an article does not depend on the other articles of the run, nor on
    /// the number of threads.
    #[test]
    fn an_article_s_findings_do_not_depend_on_the_run(articles in prop::collection::vec(article(), 2..6)) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("properties-run");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create dir");
        let names: Vec<String> = (0..articles.len()).map(|i| format!("a{i}.md")).collect();
        for (name, text) in names.iter().zip(&articles) {
            fs::write(dir.join(name), text).expect("write");
        }
        let one = run_json(&dir, &["--threads", "1", "."]);
        let two = run_json(&dir, &["--threads", "2", "."]);
        prop_assert_eq!(&one, &two);
        for name in &names {
            let alone = run_json(&dir, &[name]);
            prop_assert_eq!(of_file(&alone, name), of_file(&one, name), "{}", name);
        }
    }
}
