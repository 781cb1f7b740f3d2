//! Bad and hostile input through the command line: every case asserts the exit code, what was
//! said, and that the other files of the same run were still checked. None may panic (exit 101).
//! docs/robustness.md lists the cases and what each one found.

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::cli::{copydesk, copydesk_with_stdin, copydesk_within, scratch_in, stderr, stdout, write};

fn scratch(name: &str) -> PathBuf {
    scratch_in("robustness", name)
}

/// The line every run's well-formed companion article gives in `--format short`.
const GOOD_FINDING: &str = "good.txt:1:1: warning[News.Azeri]";

/// Checks `paths` and a well-formed article beside them (`--format short`, no configuration),
/// asserting that the run ended within a minute, that the article was checked whatever happened
/// to the others, and that nothing panicked.
fn check_beside(dir: &Path, paths: &[&str], extra: &[&str]) -> Output {
    let good = write(dir, "good.txt", b"Azeri forces moved.\n");
    let mut args = vec!["check", "--no-config", "--format", "short"];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    args.push(&good);
    let o = copydesk_within(60, &args);
    assert_ne!(o.status.code(), Some(101), "panicked: {}", stderr(&o));
    assert!(stdout(&o).contains(GOOD_FINDING), "the other article is still checked: {o:?}");
    o
}

#[test]
fn empty_and_byte_order_mark_only_files_are_clean() {
    let dir = scratch("empty");
    let empty = write(&dir, "empty.txt", b"");
    let bom = write(&dir, "bom.md", b"\xef\xbb\xbf");
    let o = check_beside(&dir, &[&empty, &bom], &[]);
    assert_eq!(o.status.code(), Some(1), "only the companion's finding fails the run");
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert_eq!(stderr(&o), "");
    // Fixing them writes nothing, and leaves the bytes as they were.
    let o = copydesk(&["check", "--no-config", "--fix", &empty, &bom]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(fs::read(&bom).expect("read"), b"\xef\xbb\xbf");
    assert_eq!(fs::read(&empty).expect("read"), b"");
    for input in [&b""[..], b"\xef\xbb\xbf"] {
        let o = copydesk_with_stdin(&["check", "--no-config", "-"], input);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
    }
}

#[test]
fn missing_and_undecodable_files_exit_2_and_the_rest_is_checked() {
    let dir = scratch("bad-input");
    let bad = write(&dir, "bad.txt", b"Fine text.\nThen \xff\xfe bad bytes.\n");
    let missing = dir.join("nope.txt");
    let o = check_beside(&dir, &[&bad, missing.to_str().expect("UTF-8")], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: {bad}: not valid UTF-8: invalid byte sequence at byte 16 (line 2, column 6)"
        )),
        "{err}"
    );
    assert!(err.contains("nope.txt: no such file or directory"), "{err}");
    // Cut off inside a character at the very end: still named, at its byte.
    let cut = write(&dir, "cut.txt", "Azeri “".as_bytes().split_last().expect("bytes").1);
    let o = check_beside(&dir, &[&cut], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cut.txt: not valid UTF-8: incomplete character at byte 6 (line 1, column 7)"),
        "{o:?}"
    );
}

#[test]
fn binary_files_are_skipped_with_a_note() {
    let dir = scratch("binary");
    let bin = write(&dir, "photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0");
    let o = check_beside(&dir, &[&bin], &[]);
    assert_eq!(o.status.code(), Some(1), "a skipped file is not an error");
    assert!(stderr(&o).contains("photo.txt: skipped, not a text file"), "{}", stderr(&o));
    // In a directory walk too.
    let o = check_beside(&dir, &[dir.to_str().expect("UTF-8")], &[]);
    assert!(stderr(&o).contains("photo.txt: skipped, not a text file"), "{}", stderr(&o));
}

#[test]
fn crlf_and_byte_order_mark_keep_lines_and_columns() {
    let dir = scratch("crlf");
    let file =
        write(&dir, "crlf.txt", "\u{feff}Headline\r\n\r\nThe forces were Azeri forces.\r\n".as_bytes());
    let o = copydesk(&["check", "--no-config", "--format", "short", &file]);
    assert!(stdout(&o).contains("crlf.txt:3:17: warning[News.Azeri]"), "{}", stdout(&o));
}

#[test]
fn mixed_line_endings_keep_lines_and_columns_exact() {
    let dir = scratch("mixed");
    let text = "Talks\r\nThe Azeri side.\nThen “the” Azeri side.\r\n\r\nAnd Azeri.\n";
    let file = write(&dir, "mixed.txt", text.as_bytes());
    let good = write(&dir, "good.txt", b"Azeri forces moved.\n");
    let o = copydesk(&["check", "--no-config", "--format", "json", &file, &good]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mut found = Vec::new();
    for d in json["diagnostics"].as_array().expect("a list") {
        if d["path"].as_str().expect("a path").ends_with("good.txt") {
            found.push((0, 0));
            continue;
        }
        let offset = d["start"].as_u64().expect("an offset") as usize;
        assert_eq!(&text[offset..offset + 5], "Azeri", "{d}");
        found.push((d["line"].as_u64().expect("a line"), d["column"].as_u64().expect("a column")));
    }
    // The quotation marks are one column each, the `\r` of a CRLF break is not on the next line.
    assert_eq!(found, [(0, 0), (2, 5), (3, 12), (5, 5)], "the other article is checked too");
}

#[test]
fn deeply_nested_markdown_wide_tables_and_many_links_are_checked() {
    let dir = scratch("markdown");
    let cases: [(&str, String, &str); 5] = [
        ("quotes.md", format!("{}Azeri forces\n", "> ".repeat(10_000)), ":1:20001:"),
        ("lists.md", format!("{}Azeri forces\n", "- ".repeat(10_000)), ":1:20001:"),
        ("mixed.md", format!("{}Azeri forces\n", "> - 1. ".repeat(2_000)), ":1:14001:"),
        (
            "links.md",
            format!(
                "{} Azeri forces\n",
                (0..100_000)
                    .map(|i| format!("[link {i}](https://example.com/{i})"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            "",
        ),
        (
            "table.md",
            format!(
                "|{}|\n|{}|\n|{}|\n",
                (0..10_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join("|"),
                vec!["-"; 10_000].join("|"),
                vec!["Azeri"; 10_000].join("|")
            ),
            ":3:2:",
        ),
    ];
    for (name, text, at) in &cases {
        let path = write(&dir, name, text.as_bytes());
        let o = check_beside(&dir, &[&path], &[]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        let wanted = format!("{name}{at}");
        assert!(
            out.lines().any(|l| l.contains(&wanted) && l.contains("News.Azeri")),
            "{name}: no finding at `{wanted}`"
        );
    }
}

#[test]
fn what_cannot_be_read_is_named_and_never_waited_on() {
    let dir = scratch("unreadable");
    let o = check_beside(&dir, &["/dev/null"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error: /dev/null: not a regular file"), "{o:?}");
    #[cfg(unix)]
    {
        // A FIFO would block a reader forever: named, it is refused; in a directory, skipped.
        let fifo = dir.join("pipe.txt");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        let o = check_beside(&dir, &[fifo.to_str().expect("UTF-8")], &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("pipe.txt: not a regular file"), "{o:?}");
        let o = check_beside(&dir, &[dir.to_str().expect("UTF-8")], &[]);
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        assert_eq!(stderr(&o), "");
        // Nor is it opened: a writer waiting on it stays waiting, its text not taken and lost.
        let writer = std::thread::spawn({
            let fifo = fifo.clone();
            move || fs::write(&fifo, "Azeri forces moved.\n").is_ok()
        });
        let o = check_beside(&dir, &[fifo.to_str().expect("UTF-8")], &[]);
        assert!(stderr(&o).contains("pipe.txt: not a regular file"), "{o:?}");
        // Nor when its directory is walked.
        let o = check_beside(&dir, &[dir.to_str().expect("UTF-8")], &[]);
        assert_eq!(stderr(&o), "");
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!writer.is_finished(), "copydesk opened the FIFO: the writer was let go");
        let mut reader = fs::File::open(&fifo).expect("the test reads the FIFO itself");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut reader, &mut text).expect("read the FIFO");
        assert_eq!(text, "Azeri forces moved.\n");
        assert!(writer.join().expect("the writer ends"));
        fs::remove_file(&fifo).expect("remove the FIFO");
        // A socket is no file to read either.
        let socket = dir.join("socket.md");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket");
        let o = check_beside(&dir, &[socket.to_str().expect("UTF-8")], &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("socket.md: not a regular file"), "{o:?}");
        drop(listener);
        fs::remove_file(&socket).expect("remove the socket");
    }
    #[cfg(target_os = "linux")]
    {
        // A read that fails after the file was opened (as a bad disk would): the kernel refuses
        // to read a process's memory at address 0, even for root.
        let o = check_beside(&dir, &["/proc/self/mem"], &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("error: /proc/self/mem: cannot read:"), "{o:?}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = write(&dir, "locked.txt", b"Azeri forces moved.\n");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
        // Root reads any file; everyone else is refused.
        let readable = fs::File::open(&locked).is_ok();
        let o = check_beside(&dir, &[&locked], &[]);
        if readable {
            assert_eq!(o.status.code(), Some(1), "{o:?}");
            assert!(stdout(&o).contains("locked.txt:1:1: warning[News.Azeri]"), "{o:?}");
        } else {
            assert_eq!(o.status.code(), Some(2));
            assert!(stderr(&o).contains("locked.txt: cannot read: Permission denied"), "{o:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_end_with_an_error_or_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    fs::create_dir_all(dir.join("drafts")).expect("mkdir");
    // A directory that contains itself, and two links that point at each other.
    symlink("..", dir.join("drafts/up")).expect("link");
    symlink("b.md", dir.join("drafts/a.md")).expect("link");
    symlink("a.md", dir.join("drafts/b.md")).expect("link");
    write(&dir, "drafts/story.md", b"The Azeri side.\n");
    let drafts = dir.join("drafts");
    let o = check_beside(&dir, &[drafts.to_str().expect("UTF-8")], &[]);
    assert_eq!(o.status.code(), Some(1), "a walk does not follow links: {o:?}");
    assert_eq!(stdout(&o).matches("story.md:1:5").count(), 1, "checked once: {o:?}");
    let looped = drafts.join("a.md");
    let o = check_beside(&dir, &[looped.to_str().expect("UTF-8")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a.md: cannot read: Too many levels of symbolic links"), "{o:?}");
    // A link named on the command line is read through.
    symlink("story.md", drafts.join("linked.md")).expect("link");
    let linked = drafts.join("linked.md");
    let o = check_beside(&dir, &[linked.to_str().expect("UTF-8")], &[]);
    assert!(stdout(&o).contains("linked.md:1:5: warning[News.Azeri]"), "{o:?}");
}

#[test]
fn a_rule_defined_in_two_directories_is_refused_with_both_places() {
    let dir = scratch("twice");
    let rule = b"description = \"No foo.\"\nmessage = \"no `{match}`\"\nlevel = \"warning\"\n\n[existence]\ntokens = [\"foo\"]\n";
    write(&dir, "one/Desk/Foo.toml", rule);
    write(&dir, "two/Desk/Foo.toml", rule);
    let (one, two) = (dir.join("one"), dir.join("two"));
    let article = write(&dir, "story.txt", b"Azeri forces.\n");
    let o = copydesk(&[
        "check",
        "--no-config",
        "--rules",
        one.to_str().expect("UTF-8"),
        "--rules",
        two.to_str().expect("UTF-8"),
        &article,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error: rule `Desk.Foo` is defined twice"), "{err}");
    assert!(err.contains("two/Desk/Foo.toml:1:1"), "{err}");
    assert!(err.contains("first defined in"), "{err}");
    assert!(err.contains("one/Desk/Foo.toml"), "{err}");
    assert_eq!(stdout(&o), "", "with broken rules, nothing is checked");
}

/// Long articles after many short ones: a worker takes short files in chunks of up to 16, and
/// one such chunk meets the long files. Past 256 KB read it hands over what it has checked and
/// the writer hands back the rest of the chunk (`cli::Ordered::work_on`). Every file is still
/// reported once, in order, with its own findings, on one thread and two (`--format short`).
/// What the output cannot show is not asserted: whether a file was checked twice, and which
/// thread took a chunk's rest (on two threads it is the one that writes, as the timing falls).
#[test]
fn long_articles_after_many_short_ones_are_each_reported_once_in_order() {
    let dir = scratch("short-then-long");
    let mut expected: Vec<(String, usize)> = Vec::new();
    for i in 0..100 {
        let name = format!("a{i:03}.txt");
        write(&dir, &name, format!("Story number {i} went on in the the night.\n").as_bytes());
        expected.push((name, 1));
    }
    for k in 0..12 {
        // About 100 KB each, more than a batch holds: each is checked alone.
        let mut text = String::new();
        let mut paragraphs = 0;
        while text.len() < 100_000 {
            text.push_str(&format!(
                "Paragraph {paragraphs} of long story {k} ran on and the the copy went on.\n\n"
            ));
            paragraphs += 1;
        }
        let name = format!("b{k:02}.txt");
        write(&dir, &name, text.as_bytes());
        expected.push((name, paragraphs));
    }
    let root = dir.to_str().expect("UTF-8");
    for threads in ["1", "2"] {
        let args = [
            "check",
            "--no-config",
            "--format",
            "short",
            "--select",
            "News.RepeatedWord",
            "--threads",
            threads,
            root,
        ];
        let o = copydesk_within(120, &args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        // Each file's findings, in the order the files were written out.
        let mut found: Vec<(String, usize)> = Vec::new();
        for line in stdout(&o).lines().filter(|l| l.contains("[News.RepeatedWord]")) {
            let file = Path::new(line.split(':').next().expect("a path")).file_name().expect("a file name");
            let file = file.to_str().expect("UTF-8").to_owned();
            match found.last_mut() {
                Some((last, n)) if *last == file => *n += 1,
                _ => found.push((file, 1)),
            }
        }
        assert_eq!(found, expected, "{threads} threads");
    }
}

#[test]
fn thousands_of_rules_load_and_run() {
    let dir = scratch("many-rules");
    for i in 0..3_000 {
        let rule = format!(
            "description = \"Rule {i}.\"\nmessage = \"no `{{match}}`\"\nlevel = \"warning\"\n\n[existence]\ntokens = [\"word{i}x\"]\n\n[[example]]\nbad = \"a word{i}x here\"\ngood = \"fine\"\n"
        );
        write(&dir, &format!("rules/Desk/R{i}.toml"), rule.as_bytes());
    }
    let rules = dir.join("rules");
    let article = write(&dir, "story.txt", b"Here word0x, word1234x and word2999x.\n");
    let o = check_beside(&dir, &[&article], &["--rules", rules.to_str().expect("UTF-8")]);
    let out = stdout(&o);
    for id in ["Desk.R0]", "Desk.R1234]", "Desk.R2999]"] {
        assert!(out.contains(id), "{id}: {out}");
    }
    let o = copydesk(&["test-rules", rules.to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("tested 3000 rules"), "{}", stdout(&o));
}

#[test]
fn a_reader_gone_before_the_buffered_report_is_written_still_gets_the_status() {
    let dir = scratch("gone");
    let file = write(&dir, "story.txt", b"Azeri forces moved.\n");
    let clean = write(&dir, "clean.txt", b"The talks resumed on Monday.\n");
    for (path, status) in [(&file, 1), (&clean, 0)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .args(["check", "--no-config", "--format", "short", path])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The few findings wait in the report's buffer until the end, when the pipe is closed.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(status), "{path}: {o:?}");
        assert_eq!(stderr(&o), "", "nothing on stderr");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = scratch("pipe");
    let body = "The the forces moved. ".repeat(20_000);
    let file = write(&dir, "long.txt", body.as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["check", "--no-config", "--format", "short", &file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    child.stdout.as_mut().expect("stdout").read_exact(&mut first).expect("some output");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(1), "quietly, and failed by the findings seen: {o:?}");
    assert_eq!(stderr(&o), "", "nothing on stderr");
}

/// Runs `script` with `sh` as root of new user and mount namespaces (`unshare -rm`), where it may
/// mount a small or read-only file system of its own. `None`, said on stderr, where this machine
/// does not allow that (the unit tests of `src/write.rs` still simulate a full disk).
#[cfg(target_os = "linux")]
#[allow(clippy::print_stdout, reason = "a skipped test says why, in the test output")]
fn in_namespace(script: &str) -> Option<Output> {
    let allowed = Command::new("unshare").args(["-rm", "true"]).output().is_ok_and(|o| o.status.success());
    if !allowed {
        println!("skipped: `unshare -rm` is not allowed on this machine");
        return None;
    }
    Some(Command::new("unshare").args(["-rm", "sh", "-c", script]).output().expect("unshare runs"))
}

#[cfg(target_os = "linux")]
#[test]
fn a_fix_that_cannot_be_written_leaves_every_byte_as_it_was() {
    let dir = scratch("cannot-write");
    let mnt = dir.join("mnt");
    fs::create_dir_all(&mnt).expect("mkdir");
    // About 20 KB to fix, on a 64 KiB file system left with 12 KiB free: the write fails part-way.
    let original = write(&dir, "original.txt", "The the Azeri forces moved. ".repeat(700).as_bytes());
    let other = write(&dir, "other.txt", b"The the forces moved.\n");
    let bin = env!("CARGO_BIN_EXE_copydesk");
    let m = mnt.display();
    let script = format!(
        "mount -t tmpfs -o size=64k none {m} || exit 99
        cp {original} {m}/story.txt
        head -c 32768 /dev/zero > {m}/filler
        echo '== full'
        {bin} check --no-config --format short --fix {m}/story.txt 2>&1
        echo \"exit=$?\"
        cmp -s {original} {m}/story.txt && echo intact
        ls -A {m}
        mount -o remount,ro {m} || exit 99
        echo '== read-only'
        {bin} check --no-config --format short --fix {m}/story.txt {other} 2>&1
        echo \"exit=$?\"
        cmp -s {original} {m}/story.txt && echo intact
        ls -A {m}"
    );
    let Some(o) = in_namespace(&script) else { return };
    assert_ne!(o.status.code(), Some(99), "could not mount: {o:?}");
    let out = stdout(&o);
    let (full, read_only) = out.split_once("== read-only").expect("both parts ran");
    for (part, why) in [(full, "No space left on device"), (read_only, "Read-only file system")] {
        assert!(
            part.contains(&format!("error: {m}/story.txt: cannot write: {why}"))
                && part.contains("the file is unchanged"),
            "{part}"
        );
        assert!(part.contains("exit=2"), "{part}");
        assert!(part.contains("intact"), "the article is byte for byte the original: {part}");
        let listed: Vec<&str> = part.lines().skip_while(|l| !l.starts_with("intact")).skip(1).collect();
        assert_eq!(listed, ["filler", "story.txt"], "no temporary file is left: {part}");
    }
    // The article elsewhere in the same run was fixed.
    assert!(read_only.contains("Fixed 1 finding in 1 file"), "{read_only}");
    assert_eq!(fs::read_to_string(&other).expect("read"), "The forces moved.\n");
}
