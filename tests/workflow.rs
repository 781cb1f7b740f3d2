//! Judging a pull request on what it changed (`--diff-base`) and adopting copydesk on existing
//! copy (`--write-baseline`, `--baseline`), against real git repositories and files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workflow").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create dir");
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Copy Desk",
            "-c",
            "user.email=desk@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn copydesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `path:line rule` for each finding of short output.
fn found(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let (path, line) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let rule = l.split('[').nth(1).and_then(|r| r.split(']').next()).unwrap_or("");
            format!("{path}:{line} {rule}")
        })
        .collect()
}

#[test]
fn diff_base_reports_only_findings_on_changed_lines() {
    let dir = scratch("diff-base");
    git(&dir, &["init", "-q"]);
    fs::write(dir.join("story.txt"), "Headline\n\nAzeri forces moved.\n\nTalks began in the hall.\n")
        .expect("write");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first draft"]);
    // The pull request edits one paragraph, adds another, and a new file.
    fs::write(
        dir.join("story.txt"),
        "Headline\n\nAzeri forces moved.\n\nTalks began in the the hall on Feburary 3.\n\nAzeri oil flowed.\n",
    )
    .expect("write");
    fs::write(dir.join("new.txt"), "Azeri troops massed.\n").expect("write");
    let o = copydesk(&dir, &["check", "--format", "short", "--diff-base", "HEAD", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        found(&o),
        [
            "new.txt:1 News.Azeri",
            "story.txt:5 News.RepeatedWord",
            "story.txt:5 News.MonthSpelling",
            "story.txt:7 News.Azeri",
        ],
        "the unchanged `Azeri` on line 3 is not reported"
    );
    // Names with a space or a non-ASCII letter, and a user's git settings that change how
    // diffs name files, change nothing.
    git(&dir, &["config", "diff.noprefix", "true"]);
    git(&dir, &["config", "diff.mnemonicPrefix", "true"]);
    for name in ["my story.txt", "café.txt"] {
        fs::write(dir.join(name), "Headline\n\nTroops massed.\n").expect("write");
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "more drafts"]);
    for name in ["my story.txt", "café.txt"] {
        fs::write(dir.join(name), "Headline\n\nTroops massed.\n\nAzeri troops massed.\n").expect("write");
    }
    fs::write(dir.join("new é.txt"), "Azeri envoys.\n").expect("write");
    let o = copydesk(
        &dir,
        &["check", "--format", "short", "--diff-base", "HEAD", "café.txt", "my story.txt", "new é.txt"],
    );
    assert_eq!(
        found(&o),
        ["café.txt:5 News.Azeri", "my story.txt:5 News.Azeri", "new é.txt:1 News.Azeri"],
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Without the base, everything is.
    let o = copydesk(&dir, &["check", "--format", "short", "."]);
    assert!(found(&o).contains(&"story.txt:3 News.Azeri".to_owned()));
    // A revision that does not exist is an error that names it.
    let o = copydesk(&dir, &["check", "--diff-base", "no-such-branch", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`no-such-branch` is not a revision"));
}

#[test]
fn a_baseline_hides_known_findings_even_after_edits_elsewhere() {
    let dir = scratch("baseline");
    let story = dir.join("story.txt");
    fs::write(
        &story,
        "Headline\n\nAzeri forces moved.\n\nTalks began in the the hall.\n\nAzeri oil flowed.\n",
    )
    .expect("write");
    let o =
        copydesk(&dir, &["check", "--format", "short", "--write-baseline", "copydesk-baseline.json", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "writing a baseline succeeds: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("Recorded 3 findings in copydesk-baseline.json."));
    // Paragraphs added above and between move every line; one new slip is made.
    fs::write(
        &story,
        "Headline\n\nA new first paragraph.\n\nAzeri forces moved.\n\nTalks began in the the hall.\n\nMore text.\n\nAzeri oil flowed. Azeri troops too.\n",
    )
    .expect("write");
    let o = copydesk(&dir, &["check", "--format", "short", "--baseline", "copydesk-baseline.json", "."]);
    assert_eq!(found(&o), ["story.txt:11 News.Azeri"], "only the new `Azeri` is reported");
    assert_eq!(o.status.code(), Some(1));
    // A file that is not a baseline is an error that names it.
    fs::write(dir.join("bad.json"), "{\"nope\": 1}").expect("write");
    let o = copydesk(&dir, &["check", "--baseline", "bad.json", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json: not a copydesk baseline"));
}

#[test]
fn fixing_leaves_known_findings_and_unchanged_lines_alone() {
    let dir = scratch("fix-scope");
    git(&dir, &["init", "-q"]);
    fs::write(dir.join("story.txt"), "Headline\n\nTroops massed amongst the ruins.\n").expect("write");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    let paragraph = "The clashes are the worst since the 1990s, raising the risk of a wider war.";
    let new = format!(
        "Headline\n\n{paragraph}\n\n{paragraph}\n\nTroops massed amongst the ruins.\n\nTalks in the the night.\n"
    );
    fs::write(dir.join("story.txt"), new).expect("write");
    // The duplicate paragraph and `the the` are new; the `amongst` line is old. Removing the
    // duplicate moves the old line up, and still it is not touched.
    let o = copydesk(&dir, &["check", "--diff", "--unsafe-fixes", "--diff-base", "HEAD", "story.txt"]);
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(diff.contains("+Talks in the night."), "{diff}");
    assert!(diff.contains(&format!("-{paragraph}")), "{diff}");
    assert!(!diff.contains("among the"), "`amongst` on an unchanged line stays: {diff}");
    // A baseline's findings are not fixed either.
    fs::write(dir.join("old.txt"), "Headline\n\nTalks began in the the capital amongst friends.\n")
        .expect("write");
    let o = copydesk(&dir, &["check", "--write-baseline", "b.json", "old.txt"]);
    assert_eq!(o.status.code(), Some(0));
    let o = copydesk(&dir, &["check", "--fix", "--unsafe-fixes", "--baseline", "b.json", "old.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        fs::read_to_string(dir.join("old.txt")).expect("read"),
        "Headline\n\nTalks began in the the capital amongst friends.\n",
        "the archive is not rewritten"
    );
    // Updating a baseline in place keeps what it knew; --diff records nothing, so it refuses.
    fs::write(
        dir.join("old.txt"),
        "Headline\n\nTalks began in the the capital amongst friends.\n\nKiev talks.\n",
    )
    .expect("write");
    let o = copydesk(&dir, &["check", "--baseline", "b.json", "--write-baseline", "b.json", "old.txt"]);
    assert_eq!(o.status.code(), Some(0));
    let o = copydesk(&dir, &["check", "--format", "short", "--baseline", "b.json", "old.txt"]);
    assert_eq!(found(&o), Vec::<String>::new(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = copydesk(&dir, &["check", "--diff", "--write-baseline", "e.json", "old.txt"]);
    assert_eq!(o.status.code(), Some(2));
}
