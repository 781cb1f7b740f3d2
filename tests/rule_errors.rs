//! Each folder of `fixtures/rule-errors/` is a rules directory with mistakes; loading it must
//! report every problem, rendered against the TOML file with the caret on the offending token,
//! exactly as in `<folder>.out`. `cargo bless` rewrites the expected files.

mod common;

use std::fs;
use std::path::PathBuf;

use copydesk::pack;
use copydesk::render::render_problems;

#[test]
fn every_broken_rule_set_reports_its_problems() {
    let mut cases: Vec<PathBuf> = fs::read_dir("fixtures/rule-errors")
        .expect("fixtures/rule-errors exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "expected the rule-error cases, found {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut files = pack::builtin(false);
        let (found, errors) = pack::read_dir(case);
        assert!(errors.is_empty(), "{errors:?}");
        files.extend(found);
        let (set, problems) = pack::load(files, true);
        if problems.is_empty() {
            failures.push(format!("{}: no problems reported", case.display()));
            continue;
        }
        let rendered = String::from_utf8(render_problems(&set.files, &problems, false).expect("renders"))
            .expect("UTF-8");
        failures.extend(common::compare(&case.with_extension("out"), &rendered));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
