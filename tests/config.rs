//! `copydesk.toml` as a newsroom uses it: found from each article upward, its selection, levels,
//! overrides, walks and house style, its mistakes reported with carets, `init` and `config`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("config").join(name);
    let _ = fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        fs::write(&path, text).expect("write");
    }
    fs::create_dir_all(&dir).expect("create dir");
    dir
}

fn copydesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The rule ids found, by file, in short output.
fn found(o: &Output) -> Vec<String> {
    text(&o.stdout)
        .lines()
        .map(|l| {
            let (path, rest) = l.split_once(':').expect("path:");
            let rule = rest.split('[').nth(1).and_then(|r| r.split(']').next()).expect("[rule]");
            format!("{path} {rule}")
        })
        .collect()
}

#[test]
fn selection_levels_overrides_and_walks_apply_per_file() {
    let dir = scratch(
        "apply",
        &[
            (
                "copydesk.toml",
                "ignore = [\"News.LongSentence\"]\nexclude = [\"drafts/archive/**\"]\n\n[levels]\n\"News.DateStyle\" = \"warning\"\n\"News.Wordiness\" = \"off\"\n\n[[overrides]]\nfiles = [\"drafts/opinion/**\"]\nignore = [\"News.Azeri\"]\nlevels = { \"News.RepeatedWord\" = \"error\" }\n",
            ),
            ("drafts/news.txt", "Azeri forces moved on Sept. 27 in order to win.\n"),
            ("drafts/opinion/column.txt", "Azeri forces moved in the the night.\n"),
            ("drafts/archive/old.txt", "Azeri forces moved.\n"),
        ],
    );
    let o = copydesk(&dir, &["check", "--format", "short", "drafts"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        found(&o),
        ["drafts/news.txt News.Azeri", "drafts/opinion/column.txt News.RepeatedWord",],
        "{}",
        text(&o.stdout)
    );
    let out = text(&o.stdout);
    assert!(out.contains("error[News.RepeatedWord]"), "the override's level: {out}");
    // A file named on the command line is checked even when a walk would skip it.
    let o = copydesk(&dir, &["check", "--format", "short", "drafts/archive/old.txt"]);
    assert_eq!(found(&o), ["drafts/archive/old.txt News.Azeri"]);
    // --no-config runs the defaults.
    let o = copydesk(&dir, &["check", "--format", "short", "--no-config", "drafts/news.txt"]);
    assert!(found(&o).contains(&"drafts/news.txt News.Wordiness".to_owned()), "{}", text(&o.stdout));
}

#[test]
fn the_nearest_configuration_above_each_file_applies() {
    let dir = scratch(
        "nearest",
        &[
            ("copydesk.toml", "ignore = [\"News.Azeri\"]\n"),
            ("desk/.copydesk.toml", "select = [\"News.Azeri\"]\n"),
            ("a.txt", "Azeri forces moved in the the night.\n"),
            ("desk/b.txt", "Azeri forces moved in the the night.\n"),
        ],
    );
    let o = copydesk(&dir, &["check", "--format", "short", "a.txt", "desk/b.txt"]);
    assert_eq!(found(&o), ["a.txt News.RepeatedWord", "desk/b.txt News.Azeri"], "{}", text(&o.stderr));
}

/// Files are checked a few at a time, each batch under one configuration: in a walk that
/// moves from one configuration to another every few files, among files skipped and files
/// that are no articles, each file still gets its own configuration's rules, with one thread
/// or two.
#[test]
fn files_checked_together_keep_their_own_configurations() {
    let mut files: Vec<(String, String)> =
        vec![("copydesk.toml".into(), "ignore = [\"News.Azeri\"]\nexclude = [\"**/skip-*\"]\n".into())];
    let mut expected = Vec::new();
    for d in 0..12 {
        let selects = d % 3 == 1;
        if selects {
            files.push((
                format!("d{d:02}/copydesk.toml"),
                "select = [\"News.Azeri\"]\nexclude = [\"**/skip-*\"]\n".into(),
            ));
        }
        for f in 0..5 {
            let path = format!("d{d:02}/f{f}.txt");
            let rule = if selects { "News.Azeri" } else { "News.RepeatedWord" };
            expected.push(format!("{path} {rule}"));
            files.push((path, "Azeri forces moved in the the night.\n".into()));
        }
        files.push((format!("d{d:02}/skip-me.txt"), "Azeri forces moved in the the night.\n".into()));
        files.push((format!("d{d:02}/g-binary.txt"), "Azeri\0forces".into()));
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let dir = scratch("batches", &borrowed);
    for threads in ["1", "2"] {
        let o = copydesk(&dir, &["check", "--format", "short", "--threads", threads, "."]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let found: Vec<String> =
            found(&o).into_iter().map(|f| f.trim_start_matches("./").to_owned()).collect();
        assert_eq!(found, expected, "{threads} threads");
        assert_eq!(text(&o.stderr).matches("not a text file").count(), 12, "{}", text(&o.stderr));
    }
}

#[test]
fn house_style_sets_dates_preferred_forms_accepted_text_and_abbreviations() {
    let dir = scratch(
        "style",
        &[
            (
                "copydesk.toml",
                "[style]\ndate = \"reuters\"\nprefer = [\"defense\"]\naccept = [\"Azeri oil\"]\nextend-abbreviations = [\"Pte.\"]\n",
            ),
            (
                "story.txt",
                "Talks began on Sept. 27 as Azeri oil flowed. The defence minister spoke. The defense budget rose. Pte. Jones arrived on Oct. 3.\n",
            ),
        ],
    );
    let o = copydesk(&dir, &["check", "--format", "json", "story.txt"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (d["rule"].as_str().unwrap_or("").to_owned(), d["message"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    let rules: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert!(!rules.contains(&"News.Azeri"), "accepted text is not flagged: {found:?}");
    let dates: Vec<&str> =
        found.iter().filter(|(r, _)| r == "News.DateStyle").map(|(_, m)| m.as_str()).collect();
    assert_eq!(dates, ["house style writes `September 27`", "house style writes `October 3`"]);
    let mixed: Vec<&str> =
        found.iter().filter(|(r, _)| r == "News.MixedSpelling").map(|(_, m)| m.as_str()).collect();
    assert_eq!(mixed.len(), 1, "{found:?}");
    assert!(mixed[0].contains("defense"), "the preferred form wins: {}", mixed[0]);
    assert!(!rules.contains(&"News.LongSentence"));
}

#[test]
fn mistakes_in_the_configuration_are_reported_together_with_carets_and_nothing_is_checked() {
    let dir = scratch(
        "mistakes",
        &[
            (
                "copydesk.toml",
                "builtn = true\nignore = [\"News.LongSentense\"]\nexclude = [\"nothing/**\"]\n[levels]\n\"News.DateStyle\" = \"loud\"\n",
            ),
            ("story.txt", "Azeri forces moved.\n"),
        ],
    );
    let o = copydesk(&dir, &["check", "story.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing was checked");
    let err = text(&o.stderr);
    for expected in [
        "error: unknown key `builtn`",
        "┌─ copydesk.toml:1:1",
        "error: no rule or pack is named `News.LongSentense`",
        "help: did you mean `News.LongSentence`?",
        "error: `nothing/**` matches no file under",
        "error: unknown level `loud`",
        "error: 4 problems in",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Once, though it was loaded while the paths were walked.
    assert_eq!(err.matches("unknown key `builtn`").count(), 1, "{err}");
}

/// A configuration is loaded, and its mistakes reported, only if some article has it: the
/// first path's is loaded while the paths are walked, and dropped unreported when no article
/// turns out to be under it.
#[test]
fn a_configuration_no_article_has_is_not_reported() {
    let dir = scratch(
        "unused",
        &[
            ("empty/copydesk.toml", "builtn = true\n"),
            ("empty/notes.csv", "not an article\n"),
            ("story.txt", "Azeri forces moved.\n"),
        ],
    );
    let o = copydesk(&dir, &["check", "--format", "short", "empty", "story.txt"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("builtn"), "{err}");
    assert_eq!(found(&o), ["story.txt News.Azeri"]);
    // Named first and holding an article, it is reported, once, and nothing is checked.
    fs::write(dir.join("empty/story.txt"), "Azeri forces moved.\n").expect("write");
    let o = copydesk(&dir, &["check", "--format", "short", "empty", "story.txt"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    assert_eq!(err.matches("unknown key `builtn`").count(), 1, "{err}");
}

#[test]
fn init_writes_a_starter_once_and_config_shows_what_applies() {
    let dir = scratch("init", &[("story.txt", "Azeri forces moved.\n")]);
    let o = copydesk(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let starter = fs::read_to_string(dir.join("copydesk.toml")).expect("written");
    assert!(starter.contains("# date = \"ap\""));
    fs::write(dir.join("copydesk.toml"), "ignore = [\"News.Azeri\"]\n").expect("edit");
    let o = copydesk(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("copydesk.toml: already exists; not overwritten"));
    assert_eq!(fs::read_to_string(dir.join("copydesk.toml")).expect("kept"), "ignore = [\"News.Azeri\"]\n");
    let o = copydesk(&dir, &["config", "story.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("copydesk.toml"), "{out}");
    assert!(out.contains("ignore: News.Azeri"), "{out}");
}

#[test]
fn names_turned_off_by_the_configuration_are_still_rules_and_excludes_hold_for_globs() {
    let dir = scratch(
        "turned-off",
        &[
            (
                "copydesk.toml",
                "ignore = [\"News.Azeri\"]\nexclude = [\"drafts/archive/**\"]\n[levels]\n\"News.Archaic\" = \"off\"\n[style]\naccept = [\"e.g.\"]\n",
            ),
            ("drafts/a.txt", "Azeri troops massed amongst the ruins, e.g. here.\n"),
            ("drafts/archive/old.txt", "Azeri troops massed in the the night.\n"),
        ],
    );
    // A rule the file turns off is a rule: --select may name it, explain describes it.
    let o = copydesk(&dir, &["check", "--format", "short", "--select", "News.Archaic", "drafts/a.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = copydesk(&dir, &["explain", "News.Azeri"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // `e.g.` is accepted, though it ends in a dot.
    let o = copydesk(&dir, &["check", "--format", "short", "drafts/a.txt"]);
    assert!(!text(&o.stdout).contains("LatinAbbreviation"), "{}", text(&o.stdout));
    // A glob's matches are walked files: exclude holds. A named file is checked, unless forced.
    let o = copydesk(&dir, &["check", "--format", "short", "drafts/**/*.txt"]);
    assert!(!text(&o.stdout).contains("archive"), "{}", text(&o.stdout));
    let o = copydesk(&dir, &["check", "--format", "short", "--force-exclude", "drafts/archive/old.txt"]);
    assert_eq!(text(&o.stdout), "", "pre-commit passes every changed file; --force-exclude keeps the rule");
}

#[test]
fn an_abbreviation_without_its_full_stop_is_a_mistake() {
    let dir = scratch(
        "abbreviation",
        &[("copydesk.toml", "[style]\nextend-abbreviations = [\"Supt\"]\n"), ("a.txt", "x\n")],
    );
    let o = copydesk(&dir, &["check", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("`Supt` has no full stop"), "{}", text(&o.stderr));
}

#[test]
fn extra_abbreviations_keep_a_sentence_whole() {
    let words = "the committee heard more evidence".repeat(6);
    let sentence = format!("Yesterday {words} from Pte. Jones and {words} before noon.\n");
    let dir = scratch(
        "abbreviations",
        &[("copydesk.toml", "[style]\nextend-abbreviations = [\"Pte.\"]\n"), ("a.txt", sentence.as_str())],
    );
    let long = |o: &Output| text(&o.stdout).contains("News.LongSentence");
    assert!(long(&copydesk(&dir, &["check", "--format", "short", "a.txt"])), "one sentence across `Pte.`");
    assert!(
        !long(&copydesk(&dir, &["check", "--format", "short", "--no-config", "a.txt"])),
        "two without it"
    );
}
