//! The fuzz targets' invariants (`fuzz/invariants.rs`) over every committed input: the seed
//! corpus (`fuzz/seeds/<target>/`) and every input a fuzzer once broke copydesk with
//! (`fuzz/regressions/<target>/`, named after what it broke). This is how CI runs the fuzz
//! targets without a fuzzer; docs/robustness.md says how to run the fuzzer itself.

#[path = "../fuzz/invariants.rs"]
mod invariants;

use std::fs;
use std::path::Path;

fn run_all(target: &str, check: fn(&[u8])) {
    let mut count = 0;
    for dir in ["fuzz/seeds", "fuzz/regressions"] {
        let dir = Path::new(dir).join(target);
        let mut paths: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("readable").path())
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = fs::read(&path).expect("read");
            if let Err(panic) = std::panic::catch_unwind(|| check(&bytes)) {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                panic!("{}: {message}", path.display());
            }
            count += 1;
        }
    }
    assert!(count >= 4, "{target}: only {count} inputs");
}

#[test]
fn documents() {
    run_all("document", invariants::document);
}

#[test]
fn rule_files() {
    run_all("rule_file", invariants::rule_file);
}

#[test]
fn configurations() {
    run_all("config", invariants::config);
}

#[test]
fn fixes() {
    run_all("fixes", invariants::fixes);
}
