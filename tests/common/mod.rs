//! Shared by the integration tests: expected-output comparison with a bless mode, and running the
//! binary (`cli`).
// Each test crate uses some of these.
#![allow(dead_code)]

pub mod cli;

use std::fs;
use std::path::Path;

/// Whether expected files are rewritten instead of compared (`cargo bless` or `BLESS=1`).
pub fn blessing() -> bool {
    cfg!(feature = "bless") || std::env::var_os("BLESS").is_some_and(|v| v != "0")
}

/// Compares `actual` with the file at `expected`, or rewrites it when blessing. Returns a
/// description of the mismatch, if any.
pub fn compare(expected: &Path, actual: &str) -> Option<String> {
    if blessing() {
        fs::write(expected, actual).expect("write the expected file");
        return None;
    }
    let wanted = fs::read_to_string(expected).unwrap_or_default();
    if wanted == actual {
        return None;
    }
    let mut report = format!("{} differs (run `cargo bless` to accept):\n", expected.display());
    for (i, (w, a)) in wanted.lines().zip(actual.lines()).enumerate() {
        if w != a {
            report.push_str(&format!("  first difference at line {}:\n  - {w}\n  + {a}\n", i + 1));
            return Some(report);
        }
    }
    report.push_str(&format!(
        "  one is a prefix of the other ({} vs {} lines)\n",
        wanted.lines().count(),
        actual.lines().count()
    ));
    Some(report)
}
