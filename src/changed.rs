//! Changed lines: which lines of each article differ from a git revision (`--diff-base REV`), so
//! a pull request is judged on what it changed.
//!
//! One `git diff --unified=0 REV` per repository gives the new side's changed line ranges of every
//! file; files git does not track yet are new in full. Only the working tree is compared (what is
//! on disk now), staged or not.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;

/// The lines that changed in each file of a repository since a revision.
#[derive(Debug, Default)]
pub struct Changes {
    /// By absolute path: the changed lines (1-based, inclusive ranges); a file absent from the
    /// diff is unchanged.
    lines: HashMap<PathBuf, Vec<RangeInclusive<usize>>>,
    /// Files git does not track: every line is new.
    untracked: Vec<PathBuf>,
    root: PathBuf,
}

impl Changes {
    /// Reads the changes of the repository holding `dir` since `rev`.
    pub fn since(rev: &str, dir: &Path) -> Result<Changes, Error> {
        let git = |args: &[&str]| -> Result<String, Error> {
            let out = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .output()
                .map_err(|e| Error::Git { message: format!("cannot run git: {e}") })?;
            if !out.status.success() {
                let message = String::from_utf8_lossy(&out.stderr).trim().to_owned();
                return Err(Error::Git { message: format!("git {}: {message}", args.join(" ")) });
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        let root = PathBuf::from(
            git(&["rev-parse", "--show-toplevel"])
                .map_err(|e| Error::Git { message: format!("--diff-base needs a git repository: {e}") })?
                .trim(),
        );
        git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(|_| Error::Git {
            message: format!("--diff-base: `{rev}` is not a revision of {}", root.display()),
        })?;
        // Whatever the user's git settings, names come unquoted and with the `a/`/`b/` prefixes,
        // relative to the repository's root.
        let diff = git(&[
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--unified=0",
            rev,
            "--",
        ])?;
        let untracked = git(&["ls-files", "-z", "--others", "--exclude-standard", "--full-name"])?
            .split('\0')
            .filter(|l| !l.is_empty())
            .map(|l| absolute(&root.join(l)))
            .collect();
        Ok(Changes { lines: parse_diff(&diff, &root), untracked, root })
    }

    /// Whether the lines `first..=last` of a file hold a change.
    pub fn touches(&self, path: &Path, first: usize, last: usize) -> bool {
        let path = absolute(path);
        if self.untracked.contains(&path) {
            return true;
        }
        self.lines
            .get(&path)
            .is_some_and(|ranges| ranges.iter().any(|r| *r.start() <= last && first <= *r.end()))
    }

    /// Whether the file is in this repository.
    pub fn covers(&self, path: &Path) -> bool {
        absolute(path).starts_with(&self.root)
    }
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// The new side's changed lines of each file in a unified diff with no context. A hunk's lines
/// are counted off by its header, so an added line that looks like a header (`++ b/x`) is text.
fn parse_diff(diff: &str, root: &Path) -> HashMap<PathBuf, Vec<RangeInclusive<usize>>> {
    let mut out: HashMap<PathBuf, Vec<RangeInclusive<usize>>> = HashMap::new();
    let mut current: Option<PathBuf> = None;
    // Lines of the current hunk still to come: old side, new side.
    let (mut old_left, mut new_left) = (0usize, 0usize);
    for line in diff.split('\n') {
        if old_left > 0 || new_left > 0 {
            match line.as_bytes().first() {
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'+') => new_left = new_left.saturating_sub(1),
                Some(b'\\') => {} // "\ No newline at end of file"
                _ => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
            }
            continue;
        }
        if let Some(name) = line.strip_prefix("+++ ") {
            // Git ends a name that holds a space with a tab.
            let name = name.strip_suffix('\t').unwrap_or(name);
            current = name.strip_prefix("b/").map(|n| absolute(&root.join(n)));
            if let Some(path) = &current {
                out.entry(path.clone()).or_default();
            }
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            // `@@ -a,b +c,d @@`: d lines from line c are new; d = 0 is a deletion before line c,
            // which marks the line after it as changed.
            let count = |side: &str| -> (usize, usize) {
                let mut parts = side[1..].split(',');
                let start = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let count = parts.next().map_or(Some(1), |c| c.parse().ok()).unwrap_or(1);
                (start, count)
            };
            let mut sides = hunk.split_whitespace();
            let (Some(old), Some(new)) = (sides.next(), sides.next()) else { continue };
            let ((_, old_count), (start, new_count)) = (count(old), count(new));
            (old_left, new_left) = (old_count, new_count);
            if let Some(path) = &current {
                let range =
                    if new_count == 0 { start.max(1)..=start.max(1) } else { start..=start + new_count - 1 };
                out.entry(path.clone()).or_default().push(range);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_spaces_and_lines_that_look_like_headers() {
        let diff = "--- a/my story.txt\t\n+++ b/my story.txt\t\n@@ -1,0 +2,2 @@\n+++ b/other ++\n+Azeri\n@@ -5 +7 @@\n-x\n+y\n";
        let root = Path::new("/repo");
        let lines = parse_diff(diff, root);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[&root.join("my story.txt")], vec![2..=3, 7..=7]);
    }

    #[test]
    fn reads_hunks_of_the_new_side() {
        let diff = "diff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n@@ -3 +3 @@\n-x\n+y\n@@ -10,0 +11,2 @@\n+p\n+q\n@@ -20,2 +22,0 @@\n-r\n-s\n";
        let root = Path::new("/repo");
        let lines = parse_diff(diff, root);
        let ranges = &lines[&root.join("a.md")];
        assert_eq!(ranges, &vec![3..=3, 11..=12, 22..=22]);
    }
}
