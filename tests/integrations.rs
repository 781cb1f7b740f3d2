//! The integrations that ship in the repository, run for real: the pre-commit hook (pre-commit
//! installed from PyPI, a git repository, commits that are blocked or let through) and the
//! GitHub Action's check step (its script run as the runner would, on a draft).
//!
//! Both need Python: when pre-commit cannot be installed (no Python, no network), the tests say
//! why and skip, rather than fail on a machine that cannot run them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("integrations").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create dir");
    dir
}

/// pre-commit (and its PyYAML) installed into a directory of the build, once; `None` with the
/// reason printed when that cannot be done here.
#[allow(clippy::print_stdout, reason = "a skipped test says why, in the test output")]
fn python_packages() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("integrations-python");
    if dir.join("pre_commit").is_dir() && dir.join("yaml").is_dir() {
        return Some(dir);
    }
    let installed = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
        .arg(&dir)
        .arg("pre-commit")
        .output();
    match installed {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => {
            println!(
                "skipped: pip could not install pre-commit: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            None
        }
        Err(err) => {
            println!("skipped: python3 is not available: {err}");
            None
        }
    }
}

fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(program);
    command.current_dir(dir).args(args);
    // Commits with a fixed author and date have the same id for the same content, so pre-commit
    // reuses the copydesk it built for an unchanged hook repository.
    for (key, value) in [
        ("GIT_AUTHOR_NAME", "Copy Desk"),
        ("GIT_AUTHOR_EMAIL", "desk@example.org"),
        ("GIT_COMMITTER_NAME", "Copy Desk"),
        ("GIT_COMMITTER_EMAIL", "desk@example.org"),
        ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z"),
        ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z"),
    ] {
        command.env(key, value);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the program runs")
}

fn ok(o: &Output) -> &Output {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn the_pre_commit_hook_blocks_a_draft_with_a_slip_and_lets_the_fixed_one_through() {
    let Some(packages) = python_packages() else { return };
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The hook repository: this source tree, as a git repository pre-commit can clone.
    let hooks = scratch("hook-repo");
    for item in
        ["Cargo.toml", "Cargo.lock", "build.rs", "README.md", ".pre-commit-hooks.yaml", "src", "rules"]
    {
        copy(&source.join(item), &hooks.join(item));
    }
    ok(&run(&hooks, "git", &["init", "-q"], &[]));
    ok(&run(&hooks, "git", &["add", "."], &[]));
    ok(&run(&hooks, "git", &["commit", "-q", "-m", "copydesk"], &[]));
    let rev = String::from_utf8(ok(&run(&hooks, "git", &["rev-parse", "HEAD"], &[])).stdout.clone())
        .expect("UTF-8");
    // A newsroom's repository of drafts that uses the hook.
    let drafts = scratch("drafts-repo");
    // pre-commit keeps a built copy of every revision it has installed (~350 MB each), and every
    // run of this test commits a new revision: start from an empty home so they do not pile up.
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("integrations-pre-commit-home");
    let _ = fs::remove_dir_all(&home);
    let env: [(&str, &Path); 2] = [("PYTHONPATH", &packages), ("PRE_COMMIT_HOME", &home)];
    ok(&run(&drafts, "git", &["init", "-q"], &[]));
    fs::write(
        drafts.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: copydesk\n",
            hooks.display(),
            rev.trim()
        ),
    )
    .expect("write");
    ok(&run(&drafts, "python3", &["-m", "pre_commit", "install"], &env));
    fs::write(drafts.join("story.md"), "# Talks\n\nAzeri forces moved on Saturday.\n").expect("write");
    fs::write(drafts.join("notes.csv"), "Azeri,1\n").expect("write");
    ok(&run(&drafts, "git", &["add", "."], &env));
    let blocked = run(&drafts, "git", &["commit", "-q", "-m", "draft"], &env);
    let said =
        format!("{}{}", String::from_utf8_lossy(&blocked.stdout), String::from_utf8_lossy(&blocked.stderr));
    assert!(!blocked.status.success(), "the hook must block the commit:\n{said}");
    assert!(said.contains("story.md:3:1: warning[News.Azeri]"), "{said}");
    assert!(!said.contains("notes.csv"), "only drafts are checked: {said}");
    fs::write(drafts.join("story.md"), "# Talks\n\nAzerbaijani forces moved on Saturday.\n").expect("write");
    ok(&run(&drafts, "git", &["add", "."], &env));
    ok(&run(&drafts, "git", &["commit", "-q", "-m", "draft"], &env));
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).expect("create dir");
        for entry in fs::read_dir(from).expect("list") {
            let entry = entry.expect("entry");
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).expect("copy");
    }
}

/// The action's steps, read with PyYAML: (name, shell, run) of each.
fn action_steps(packages: &Path) -> Vec<(String, String, String)> {
    let script = "import json, sys, yaml\n\
        a = yaml.safe_load(open('action.yml'))\n\
        assert a['runs']['using'] == 'composite'\n\
        assert a['name'] and a['description']\n\
        json.dump([[s.get('name', ''), s.get('shell', ''), s.get('run', '')] for s in a['runs']['steps']] + [sorted(a['inputs'])], sys.stdout)";
    let o =
        run(Path::new(env!("CARGO_MANIFEST_DIR")), "python3", &["-c", script], &[("PYTHONPATH", packages)]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&ok(&o).stdout).expect("JSON");
    let (inputs, steps) = all.split_last().expect("inputs");
    let inputs: Vec<&str> = inputs.as_array().expect("a list").iter().filter_map(|v| v.as_str()).collect();
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).expect("read");
    for used in text.split("inputs.").skip(1) {
        let name: String = used.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
        assert!(inputs.contains(&name.as_str()), "action.yml uses an undeclared input `{name}`");
    }
    steps
        .iter()
        .map(|s| {
            let field = |i: usize| s[i].as_str().unwrap_or("").to_owned();
            (field(0), field(1), field(2))
        })
        .collect()
}

#[test]
fn the_github_action_annotates_or_writes_sarif_and_fails_on_findings() {
    let Some(packages) = python_packages() else { return };
    let steps = action_steps(&packages);
    for (name, shell, script) in &steps {
        assert!(script.is_empty() || shell == "bash", "step `{name}` runs a script without a shell");
    }
    let (_, _, check) = steps.iter().find(|(name, _, _)| name == "Check drafts").expect("the check step");
    // The runner's environment: the action's temporary directory with copydesk installed.
    let dir = scratch("action");
    let bin = dir.join("runner-temp/copydesk/bin");
    fs::create_dir_all(&bin).expect("create dir");
    fs::copy(env!("CARGO_BIN_EXE_copydesk"), bin.join("copydesk")).expect("install the binary");
    fs::write(dir.join("story.md"), "# Talks\n\nAzeri forces moved on Saturday.\n").expect("write");
    let step = |format: &str| {
        let output = dir.join(format!("github-output-{format}"));
        fs::write(&output, "").expect("write");
        let mut command = Command::new("bash");
        command
            .current_dir(&dir)
            .args(["-e", "-c", check])
            .env("RUNNER_TEMP", dir.join("runner-temp"))
            .env("GITHUB_OUTPUT", &output)
            .env("PATHS", "story.md")
            .env("DIFF_BASE", "")
            .env("FORMAT", format)
            .env("LEVEL", "warning")
            .env("FAIL_LEVEL", "warning")
            .env("ARGS", "--no-config");
        (command.output().expect("bash runs"), fs::read_to_string(&output).expect("read"))
    };
    let (o, _) = step("github");
    assert_eq!(o.status.code(), Some(1), "findings fail the step");
    assert!(String::from_utf8_lossy(&o.stdout).contains("::warning file=story.md,line=3,col=1"), "{o:?}");
    let (o, outputs) = step("sarif");
    assert_eq!(o.status.code(), Some(0), "the SARIF step defers failing until after the upload: {o:?}");
    assert!(outputs.contains("status=1"), "{outputs}");
    let sarif_path =
        outputs.lines().find_map(|l| l.strip_prefix("sarif-file=")).expect("the SARIF file output");
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(sarif_path).expect("written")).expect("JSON");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "News.Azeri");
}
