//! Every article in `fixtures/` is checked with the built-in rules and rendered without colour;
//! the output must equal `<name>.out` beside it (so no two fixtures share a stem). Where the findings carry fixes, applying every
//! fix (safe and unsafe) must give `<name>.fixed.<ext>`. `cargo bless` rewrites both.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use copydesk::engine::RuleSet;
use copydesk::fix;
use copydesk::pack;
use copydesk::render::{OutputFormat, Reporter};
use copydesk::source::{Format, Source};

fn builtin() -> RuleSet {
    let (set, problems) = pack::load(pack::builtin(true), false);
    assert!(problems.is_empty(), "built-in rules have problems: {problems:?}");
    set
}

fn articles() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir("fixtures")
        .expect("fixtures/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_file())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "md")))
        .filter(|p| !p.to_string_lossy().contains(".fixed.") && !p.ends_with("README.md"))
        .collect();
    paths.sort();
    paths
}

fn render(set: &RuleSet, path: &Path) -> (Source, String, Vec<copydesk::diagnostic::Diagnostic>) {
    let text = fs::read_to_string(path).expect("fixtures are UTF-8");
    let source = Source::new(path.to_owned(), Format::from_path(path), text);
    let diagnostics = set.check(&source.text, source.format);
    let mut out = Vec::new();
    let mut reporter = Reporter::new(&mut out, OutputFormat::Human, false);
    reporter.begin().expect("write to memory");
    reporter.file(&source, &diagnostics).expect("write to memory");
    reporter.finish().expect("write to memory");
    (source, String::from_utf8(out).expect("output is UTF-8"), diagnostics)
}

#[test]
fn every_fixture_renders_as_expected() {
    let set = builtin();
    let articles = articles();
    assert!(articles.len() >= 3, "fixtures/ should hold the seed article and more");
    let mut failures = Vec::new();
    for path in &articles {
        let (source, rendered, diagnostics) = render(&set, path);
        failures.extend(common::compare(&path.with_extension("out"), &rendered));
        let edits = diagnostics.iter().filter_map(|d| d.fix.as_ref());
        let (fixed, applied) = fix::apply(&source.text, edits);
        let fixed_path = path.with_extension(format!("fixed.{}", ext(path)));
        if applied > 0 {
            failures.extend(common::compare(&fixed_path, &fixed));
        } else if fixed_path.exists() {
            failures.push(format!("{} exists but nothing is fixed", fixed_path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn ext(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("txt")
}
