//! The command line as users run it: the built binary, its stdout, stderr and exit code.

mod common;

use std::fs;

use common::cli::{copydesk, copydesk_with_stdin, scratch_in, stderr, stdout, write};

const SEED: &str = "fixtures/nagorno-karabakh-2020-10-03.txt";

fn scratch(name: &str) -> std::path::PathBuf {
    scratch_in("cli", name)
}

#[test]
fn seed_article_findings_exit_1() {
    let o = copydesk(&["check", SEED]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("warning[News.Azeri]: use `Azerbaijani`"), "{out}");
    assert!(
        out.contains("warning[News.InconsistentNameCase]: `Minsk group` is capitalized differently"),
        "{out}"
    );
    assert!(out.contains("written `Minsk Group` here"), "{out}");
    assert!(out.contains("= help: replace with `Azerbaijani`"), "{out}");
    assert!(!out.contains("\x1b["), "no colour when stdout is not a terminal");
}

#[test]
fn clean_copy_exits_0_and_says_so() {
    let dir = scratch("clean");
    let file = write(&dir, "clean.txt", b"Azerbaijani forces advanced on Saturday, the ministry said.\n");
    let o = copydesk(&["check", &file]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "Checked 1 file: 0 errors, 0 warnings, 0 suggestions.\n");
}

#[test]
fn fail_level_and_level_filter() {
    let o = copydesk(&["check", "--fail-level", "error", SEED]);
    assert_eq!(o.status.code(), Some(0), "warnings do not fail at --fail-level error");
    let o = copydesk(&["check", "--level", "error", "--format", "short", SEED]);
    assert_eq!(stdout(&o), "", "nothing at error level in the seed");
    assert_eq!(o.status.code(), Some(0), "hidden findings do not fail the run");
}

#[test]
fn short_format_is_one_line_per_finding() {
    let o = copydesk(&["check", "--format", "short", "--select", "News.Azeri", SEED]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(
        lines[0],
        "fixtures/nagorno-karabakh-2020-10-03.txt:5:70: warning[News.Azeri]: use `Azerbaijani` for the nationality and the state; `Azeri` names the ethnic group"
    );
}

#[test]
fn json_follows_the_contract() {
    let o = copydesk(&["check", "--format", "json", SEED]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let diagnostics = v["diagnostics"].as_array().expect("an array");
    assert!(!diagnostics.is_empty());
    let starts: Vec<u64> = diagnostics.iter().map(|d| d["start"].as_u64().expect("start")).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "sorted by start");
    let seed = fs::read(SEED).expect("seed");
    let azeri = diagnostics.iter().find(|d| d["rule"] == "News.Azeri").expect("an Azeri finding");
    let (start, end) = (azeri["start"].as_u64().unwrap() as usize, azeri["end"].as_u64().unwrap() as usize);
    assert_eq!(&seed[start..end], b"Azeri");
    assert_eq!((azeri["line"].as_u64(), azeri["column"].as_u64()), (Some(5), Some(70)));
    assert_eq!((azeri["end_line"].as_u64(), azeri["end_column"].as_u64()), (Some(5), Some(75)));
    assert_eq!(azeri["severity"], "warning");
    assert_eq!(azeri["path"], SEED);
    assert_eq!(azeri["fix"]["applicability"], "unsafe", "`Azeri` can be the ethnic group");
    assert_eq!(azeri["fix"]["edits"][0]["replacement"], "Azerbaijani");
    let minsk = diagnostics.iter().find(|d| d["rule"] == "News.InconsistentNameCase").expect("Minsk");
    assert_eq!(minsk["labels"][0]["message"], "written `Minsk Group` here");
    assert_eq!(minsk["labels"][0]["line"], 15);
    let summary = &v["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(
        summary["warnings"].as_u64().unwrap() as usize,
        diagnostics.iter().filter(|d| d["severity"] == "warning").count()
    );
}

#[test]
fn json_with_no_findings_is_still_a_document() {
    let dir = scratch("json-empty");
    let file = write(&dir, "a.md", b"# Fine\n\nNothing to see.\n");
    let o = copydesk(&["check", "--format", "json", &file]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn stdin_with_a_markdown_name() {
    let o = copydesk_with_stdin(
        &["check", "--format", "short", "--stdin-filename", "drafts/story.md", "-"],
        b"# Azeri headline\n\n`Azeri` in code. Azeri forces moved.\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("drafts/story.md:1:3: warning[News.Azeri]"), "{out}");
    assert!(out.contains("drafts/story.md:3:18: warning[News.Azeri]"), "{out}");
    assert_eq!(out.lines().count(), 2, "inline code is not prose: {out}");
}

#[test]
fn broken_user_rules_exit_2_with_a_caret_and_check_nothing() {
    let o = copydesk(&["check", "--rules", "fixtures/rule-errors/regex", SEED]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "", "nothing is checked");
    let err = stderr(&o);
    assert!(err.contains("error: invalid regex: unclosed group"), "{err}");
    assert!(err.contains("tokens = ['fine', 'broken(group', 'also fine']"), "{err}");
    assert!(err.contains("error: 3 problems in 3 rule files; no rules were loaded"), "{err}");
}

#[test]
fn a_newsroom_rule_runs_beside_or_instead_of_the_builtin_pack() {
    let dir = scratch("own-rules");
    write(
        &dir,
        "rules/Desk/Kyiv.toml",
        b"description = \"Flags `Kiev`.\"\nmessage = \"write `{replacement}`\"\n[substitution]\nswap = { 'Kiev' = 'Kyiv' }\n[[example]]\nbad = \"in Kiev\"\nfixed = \"in Kyiv\"\n",
    );
    let article = write(&dir, "a.txt", b"Azeri troops left Kiev.\n");
    let rules = dir.join("rules");
    let o = copydesk(&["check", "--format", "short", "--rules", rules.to_str().unwrap(), &article]);
    let out = stdout(&o);
    assert!(out.contains("warning[Desk.Kyiv]: write `Kyiv`"), "{out}");
    assert!(out.contains("warning[News.Azeri]"), "{out}");
    let o = copydesk(&[
        "check",
        "--format",
        "short",
        "--no-default-rules",
        "--rules",
        rules.to_str().unwrap(),
        &article,
    ]);
    let out = stdout(&o);
    assert!(out.contains("Desk.Kyiv") && !out.contains("News.Azeri"), "{out}");
}

/// An existence rule whose `raw` match holds a `tokens` match, with exceptions (the fuzz seed
/// of that shape): each match is asked about in turn, the second inside the first (this
/// panicked once, when exceptions came to be searched only near what they excuse).
#[test]
fn a_match_inside_another_is_checked_against_the_exceptions() {
    let dir = scratch("nested-matches");
    let rule =
        std::fs::read("fuzz/seeds/rule_file/existence-raw-holding-a-token-short-exceptions.toml").unwrap();
    write(&dir, "rules/Desk/Nested.toml", &rule);
    let article = write(&dir, "a.txt", b"alpha beta gamma delta and more words here\n");
    let rules = dir.join("rules");
    let o = copydesk(&["check", "--no-default-rules", "--rules", rules.to_str().unwrap(), &article]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("found `alpha beta gamma delta`") && out.contains("found `beta`"), "{out}");
}

#[test]
fn select_and_ignore_by_rule_and_pack() {
    let o = copydesk(&["check", "--format", "short", "--select", "News.InconsistentNameCase", SEED]);
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    let o =
        copydesk(&["check", "--format", "short", "--select", "News.InconsistentNameCase, News.Azeri", SEED]);
    assert_eq!(o.status.code(), Some(1), "a space after the comma is fine: {}", stderr(&o));
    assert!(stdout(&o).contains("News.Azeri") && stdout(&o).contains("News.InconsistentNameCase"));
    let o = copydesk(&["check", "--format", "short", "--ignore", "News", SEED]);
    assert_eq!(stdout(&o), "");
    assert_eq!(o.status.code(), Some(0));
    let o = copydesk(&["check", "--select", "News.Azery", SEED]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "unknown rule or pack `News.Azery` in --select or --ignore (did you mean `News.Azeri`?)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn directories_honour_gitignore_and_globs_expand() {
    let dir = scratch("walk");
    write(&dir, ".gitignore", b"ignored/\n");
    write(&dir, "drafts/a.md", b"Azeri forces.\n");
    write(&dir, "drafts/b.txt", b"Azeri forces.\n");
    write(&dir, "drafts/image.png", b"Azeri forces.\n");
    write(&dir, "ignored/c.md", b"Azeri forces.\n");
    let root = dir.to_str().unwrap();
    let o = copydesk(&["check", "--format", "short", root]);
    let out = stdout(&o);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, vec![format!("{root}/drafts/a.md"), format!("{root}/drafts/b.txt")], "{out}");
    let pattern = format!("{root}/drafts/*.md");
    let o = copydesk(&["check", "--format", "short", &pattern]);
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    let o = copydesk(&["check", &format!("{root}/nothing/*.md")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no files match"), "{}", stderr(&o));
}

#[test]
fn rules_and_explain() {
    let o = copydesk(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let azeri = out.lines().find(|l| l.starts_with("News.Azeri ")).expect("listed");
    assert!(
        azeri.contains("substitution") && azeri.contains("warning") && azeri.contains("Flags `Azeri`"),
        "{azeri}"
    );
    let o = copydesk(&["explain", "News.Azeri"]);
    let out = stdout(&o);
    assert!(out.starts_with("News.Azeri (substitution, warning)\n"), "{out}");
    assert!(out.contains("Why: Reuters and AP style"), "{out}");
    assert!(out.contains("  bad    Nagorno-Karabakh said Azeri forces"), "{out}");
    let o = copydesk(&["explain", "News.Azery"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `News.Azeri`?"), "{}", stderr(&o));
    let o = copydesk(&["explain", "Azeri"]);
    assert!(stderr(&o).contains("did you mean `News.Azeri`?"), "{}", stderr(&o));
    let o = copydesk(&["explain", "Desk.Kyiv"]);
    assert!(stderr(&o).contains("a newsroom's own rules need `--rules DIR`"), "{}", stderr(&o));
}

#[test]
fn test_rules_reports_failing_examples() {
    let o = copydesk(&["test-rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("examples: all pass"), "{}", stdout(&o));
    let o = copydesk(&["test-rules", "fixtures/rule-errors/examples"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "tested 1 rule with 2 examples: 1 rule failed\n");
    assert!(stderr(&o).contains("this `good` example is flagged"), "{}", stderr(&o));
    let o = copydesk(&["test-rules", "fixtures/rule-errors/regex"]);
    assert_eq!(o.status.code(), Some(2), "a rule that does not load is a load error");
    assert_eq!(stdout(&o), "tested 0 rules with 0 examples: 3 files did not load\n");
    let o = copydesk(&["test-rules", "fixtures"]);
    assert_eq!(o.status.code(), Some(2), "a folder without rules is a mistake, not a pass");
    assert!(stderr(&o).contains("rules directory fixtures: no rule files here"), "{}", stderr(&o));
}

#[test]
fn long_lines_are_shown_as_a_window_with_true_columns() {
    let dir = scratch("long-line");
    let line = format!("{}Azeri forces moved. {}", "Word ".repeat(100), "More words here. ".repeat(40));
    let file = write(&dir, "long.txt", format!("Headline\n\n{line}\n").as_bytes());
    let o = copydesk(&["check", "--select", "News.Azeri", &file]);
    let out = stdout(&o);
    assert!(out.contains("long.txt:3:501"), "the column is the article's: {out}");
    let source_line = out.lines().find(|l| l.starts_with("3 │")).expect("the line is shown");
    assert!(source_line.starts_with("3 │ …") && source_line.ends_with('…'), "{source_line}");
    assert!(source_line.chars().count() < 160, "{source_line}");
    let caret = out.lines().find(|l| l.contains('^')).expect("a caret line");
    let column = |line: &str, at: usize| line[..at].chars().count();
    let shown = column(source_line, source_line.find("Azeri").expect("the span is in the window"));
    assert_eq!(column(caret, caret.find('^').expect("caret")), shown, "the caret sits under the span");
}

#[test]
fn a_long_line_with_two_places_far_apart_shows_a_window_at_each() {
    let dir = scratch("long-line-two");
    let filler = "Word ".repeat(120);
    let line = format!("(Photo by A / AFP) {filler}the the end {filler}(Photo by A/AFP) {filler}");
    let file = write(&dir, "long.txt", format!("Headline\n\n{line}\n").as_bytes());
    let o = copydesk(&["check", "--select", "News.DuplicateCredit", &file]);
    let out = stdout(&o);
    let source_line = out.lines().find(|l| l.starts_with("3 │")).expect("the line is shown");
    assert!(source_line.chars().count() < 300, "two windows, not the whole line: {source_line}");
    assert!(
        source_line.contains("(Photo by A / AFP)") && source_line.contains("(Photo by A/AFP)"),
        "{source_line}"
    );
    assert!(!source_line.contains("the the"), "the middle is left out: {source_line}");
    assert_eq!(source_line.matches('…').count(), 2, "{source_line}");
    assert!(out.contains("long.txt:3:"), "{out}");
    assert!(out.contains("first credit here"), "the first copy is labelled: {out}");
    let underline = out.lines().find(|l| l.contains('^')).expect("a caret line");
    let column = |line: &str, at: usize| line[..at].chars().count();
    let shown = column(source_line, source_line.find("(Photo by A/AFP)").expect("the repeat is shown"));
    assert_eq!(
        column(underline, underline.find('^').expect("caret")),
        shown,
        "the caret sits under the repeat"
    );
}

#[test]
fn a_missing_rules_directory_is_named_as_such() {
    let o = copydesk(&["check", "--rules", "no/such/rules", SEED]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: rules directory no/such/rules: no such directory\n");
}

#[test]
fn colour_on_request_only() {
    let o = copydesk(&["check", "--color", "always", SEED]);
    assert!(stdout(&o).contains("\x1b["), "ANSI colour when asked for");
}

#[test]
fn usage_errors_exit_2() {
    let o = copydesk(&["check", "--format", "xml", SEED]);
    assert_eq!(o.status.code(), Some(2));
    let o = copydesk(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fix_writes_the_safe_fixes_keeps_bom_and_crlf_and_reports_what_remains() {
    let dir = scratch("fix");
    let text = "\u{feff}Headline\r\n\r\nTalks began on Feburary 3 in the the capital, where Azeri troops massed.\r\n";
    let file = write(&dir, "story.txt", text.as_bytes());
    let o = copydesk(&["check", "--fix", "--level", "warning", "--format", "short", &file]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the unsafe Azeri fix is left, so a warning remains: {}",
        stderr(&o)
    );
    let fixed = fs::read_to_string(&file).expect("read back");
    assert_eq!(
        fixed,
        "\u{feff}Headline\r\n\r\nTalks began on February 3 in the capital, where Azeri troops massed.\r\n"
    );
    assert!(stdout(&o).contains("warning[News.Azeri]"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("MonthSpelling"), "fixed findings are not reported: {}", stdout(&o));
    assert_eq!(stderr(&o), "Fixed 2 findings in 1 file.\n");
    let entries: Vec<_> = fs::read_dir(&dir).expect("list").collect();
    assert_eq!(entries.len(), 1, "no temporary file is left behind");
    // Unsafe fixes on request; nothing left to fix exits 0.
    let o = copydesk(&["check", "--fix", "--unsafe-fixes", "--level", "warning", &file]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(fs::read_to_string(&file).expect("read back").contains("Azerbaijani troops"));
}

#[test]
fn fix_never_touches_a_direct_quotation() {
    let dir = scratch("fix-quote");
    let text = "“Azeri troops crossed the line,” the minister said of Azeri troops.\n";
    let file = write(&dir, "quote.txt", text.as_bytes());
    let o = copydesk(&["check", "--fix", "--unsafe-fixes", &file]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        fs::read_to_string(&file).expect("read back"),
        "“Azeri troops crossed the line,” the minister said of Azerbaijani troops.\n"
    );
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = scratch("diff");
    let text = "Headline\n\nTalks began on Feburary 3 in the the capital.\n";
    let file = write(&dir, "story.txt", text.as_bytes());
    let o = copydesk(&["check", "--diff", "--level", "warning", &file]);
    assert_eq!(o.status.code(), Some(1), "a diff to apply exits 1: {}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "--- {file}\n+++ {file}\n@@ -1,3 +1,3 @@\n Headline\n \n-Talks began on Feburary 3 in the the capital.\n+Talks began on February 3 in the capital.\n"
        )
    );
    assert_eq!(fs::read_to_string(&file).expect("read back"), text, "nothing is written");
    let clean = write(&dir, "clean.txt", b"Talks began on February 3.\n");
    let o = copydesk(&["check", "--diff", "--level", "warning", &clean]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""));
}

#[test]
fn fix_on_stdin_prints_the_fixed_text_and_the_findings_on_stderr() {
    let o = copydesk_with_stdin(
        &["check", "--fix", "--format", "short", "--level", "warning", "-"],
        b"In the the capital, Azeri troops massed.\n",
    );
    assert_eq!(stdout(&o), "In the capital, Azeri troops massed.\n");
    assert!(stderr(&o).contains("<stdin>:1:17: warning[News.Azeri]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("Fixed 1 finding in 1 file."), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn unsafe_fixes_alone_is_a_usage_error() {
    let o = copydesk(&["check", "--unsafe-fixes", SEED]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--unsafe-fixes goes with --fix or --diff"), "{}", stderr(&o));
}

#[test]
fn fix_on_stdin_gives_the_text_back_unchanged_when_it_cannot_fix_it() {
    for input in [&b"Talks in the the city.\n\0more\n"[..], &b"Talks \xff the the city.\n"[..]] {
        let o = copydesk_with_stdin(&["check", "--fix", "-"], input);
        assert_eq!(o.stdout, input, "an editor keeps its buffer");
        assert_eq!(o.status.code(), Some(2), "and knows nothing was fixed: {}", stderr(&o));
    }
}

/// The prefilter reads folded prose: a long s, which a case-insensitive rule matches as `s`,
/// must not hide a finding (found by review of the prefilter).
#[test]
fn the_prefilter_finds_what_case_folding_matches() {
    let o = copydesk_with_stdin(
        &["check", "--format", "short", "--select", "News.CommittedSuicide", "-"],
        "He committed ſuicide last year, police said.\n".as_bytes(),
    );
    assert!(stdout(&o).contains("[News.CommittedSuicide]"), "{}", stdout(&o));
}

/// More files than the writer's window (256), each with its own finding, checked on several
/// threads: every file is reported, in path order, and the output is the same, byte for byte,
/// whatever the number of threads (0 is one per core).
#[test]
fn many_files_on_any_number_of_threads_give_the_same_output_in_order() {
    let dir = scratch("many-files");
    for i in 0..300 {
        let text = format!("Story {i}: the the talks in Kiev went on.\n\nShares rose 5% on Monday.\n");
        write(&dir, &format!("story-{i:03}.txt"), text.as_bytes());
    }
    let dir = dir.to_str().unwrap();
    let run = |threads: &str| copydesk(&["check", "--format", "short", "--threads", threads, dir]);
    let one = run("1");
    assert_eq!(one.status.code(), Some(1));
    let out = stdout(&one);
    let files: Vec<&str> = out.lines().filter(|l| l.contains("[News.RepeatedWord]")).collect();
    assert_eq!(files.len(), 300, "{out}");
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "files are reported in path order");
    for threads in ["2", "3", "0", "64"] {
        assert_eq!(stdout(&run(threads)), out, "--threads {threads}");
    }
}

/// `--timings` reports on stderr and leaves the report alone.
#[test]
fn timings_go_to_stderr() {
    let plain = copydesk(&["check", "--format", "json", SEED]);
    let timed = copydesk(&["check", "--format", "json", "--timings", SEED]);
    assert_eq!(stdout(&timed), stdout(&plain));
    let err = stderr(&timed);
    assert!(err.contains("ms  loading rules"), "{err}");
    assert!(err.contains("News.Azeri"), "{err}");
    for phase in ["(parsing)", "(segmenting)", "(prefilter: folding and searching)"] {
        assert!(err.contains(phase), "{err}");
    }
}
