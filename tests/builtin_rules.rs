//! The meta-test: every built-in rule loads, follows the house style for rule text, and its
//! examples hold (every `bad` is flagged, every `good` is not, `fixed` is what fixing gives).

use copydesk::diagnostic::Severity;
use copydesk::engine::RuleSet;
use copydesk::examples;
use copydesk::pack;
use copydesk::source::Format;

fn builtin() -> RuleSet {
    let (set, problems) = pack::load(pack::builtin(true), false);
    assert!(problems.is_empty(), "built-in rules have problems: {problems:?}");
    set
}

/// Built-in rules compile their regexes when first used; loaded as a newsroom's own rules, they
/// compile every one at once, so a regex that does not compile (or is too big) shows here.
#[test]
fn every_builtin_regex_compiles() {
    let mut files = pack::builtin(true);
    for file in &mut files {
        file.builtin = false;
    }
    let (set, problems) = pack::load(files, false);
    assert!(problems.is_empty(), "built-in rules compiled at once have problems: {problems:?}");
    assert_eq!(set.rules.len(), builtin().rules.len());
}

#[test]
fn every_example_of_every_builtin_rule_holds() {
    let set = builtin();
    let mut failures = Vec::new();
    for rule in &set.rules {
        for problem in examples::verify(&set, rule) {
            failures.push(format!("{}: {} {:?}", rule.id, problem.message, problem.notes));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_builtin_rule_is_documented_and_shown_both_ways() {
    let set = builtin();
    assert!(set.rules.len() >= 25, "the newsroom pack has at least 25 rules, not {}", set.rules.len());
    let mut failures = Vec::new();
    for rule in &set.rules {
        let id = &rule.id;
        if !rule.description.starts_with("Flags ") || !rule.description.ends_with('.') {
            failures.push(format!("{id}: the description is one sentence starting \"Flags \""));
        }
        if rule.rationale.as_deref().is_none_or(|r| r.trim().len() < 40) {
            failures.push(format!("{id}: needs a rationale that says why an editor cares"));
        }
        if !rule.examples.iter().any(|e| e.bad.is_some()) || !rule.examples.iter().any(|e| e.good.is_some()) {
            failures.push(format!("{id}: needs at least one `bad` and one `good` example"));
        }
        let offers_fix = rule.examples.iter().filter_map(|e| e.bad.as_ref()).any(|bad| {
            set.check_with(bad.get_ref(), Format::Markdown, std::iter::once(rule))
                .iter()
                .any(|d| d.fix.is_some())
        });
        if offers_fix && !rule.examples.iter().any(|e| e.fixed.is_some()) {
            failures.push(format!("{id}: fixes its `bad` examples, so one needs a `fixed`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn messages_follow_the_house_style() {
    let set = builtin();
    let mut failures = Vec::new();
    for rule in &set.rules {
        for example in rule.examples.iter().filter_map(|e| e.bad.as_ref()) {
            for d in set.check_with(example.get_ref(), Format::Markdown, std::iter::once(rule)) {
                let first = d.message.chars().next().unwrap_or(' ');
                // Outside backticks, that is: the text quoted may itself be a quotation mark.
                let unquoted: String = d.message.split('`').step_by(2).collect();
                if first.is_uppercase() || d.message.ends_with('.') || unquoted.contains(['"', '“']) {
                    failures.push(format!("{}: message {:?} should start lowercase, end without a full stop and quote with backticks", rule.id, d.message));
                }
                if let Some(fix) = &d.fix {
                    let first = fix.title.chars().next().unwrap_or(' ');
                    if first.is_uppercase() || fix.title.ends_with('.') {
                        failures.push(format!(
                            "{}: fix title {:?} should be an imperative in lowercase",
                            rule.id, fix.title
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_seed_article_gets_the_house_style_findings() {
    let set = builtin();
    let text = std::fs::read_to_string("fixtures/nagorno-karabakh-2020-10-03.txt").expect("the seed fixture");
    let found = set.check(&text, Format::Text);
    let at = |rule: &str| -> Vec<&str> {
        found.iter().filter(|d| d.rule == rule).map(|d| &text[d.range.clone()]).collect()
    };
    assert_eq!(at("News.Azeri"), vec!["Azeri"; 4]);
    assert_eq!(at("News.InconsistentNameCase"), vec!["Minsk group"]);
    let minsk = found.iter().find(|d| d.rule == "News.InconsistentNameCase").expect("found above");
    assert_eq!(&text[minsk.labels[0].range.clone()], "Minsk Group");
    assert_eq!(at("News.OrdinalSuffix"), vec!["3rt"]);
    assert_eq!(at("News.UnattributedFigure"), vec!["Some 200 people have been reported killed"]);
    assert_eq!(at("News.DuplicateCredit"), vec!["(Photo by PASCAL ROSSIGNOL/POOL/AFP via Getty Images)"]);
    let credit = found.iter().find(|d| d.rule == "News.DuplicateCredit").expect("found above");
    assert_eq!(&text[credit.labels[0].range.clone()], "(Photo by PASCAL ROSSIGNOL / POOL / AFP)");
    assert!(text[..credit.range.start].lines().count() == 1, "on line 1");
    assert_eq!(credit.message, "this credit repeats the one on line 1");
    // Nothing else at warning level: the rest of the story is clean copy.
    let rules: std::collections::BTreeSet<&str> =
        found.iter().filter(|d| d.severity >= Severity::Warning).map(|d| d.rule.as_str()).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        vec![
            "News.Azeri",
            "News.DuplicateCredit",
            "News.InconsistentNameCase",
            "News.OrdinalSuffix",
            "News.UnattributedFigure"
        ]
    );
}

#[test]
fn the_readme_lists_every_builtin_rule() {
    let set = builtin();
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let missing: Vec<String> = set
        .rules
        .iter()
        .map(|r| format!("| `{}` | {} | {} |", r.id, r.kind.name(), r.level))
        .filter(|row| !readme.contains(row.as_str()))
        .collect();
    assert!(missing.is_empty(), "README's rule table lacks (or has stale) rows: {missing:#?}");
}

#[test]
fn emphasis_inside_a_phrase_hides_no_slip_and_code_makes_none() {
    let set = builtin();
    let text = "# Talks\n\nTalks began on **Feburary** 3, and the **the** board said it has *lead* to a vote on \
                **June** 31. On **Sunday**, Feb. 6, 2023, it was **very** unique.\n\nSee the `x` the code.\n";
    let found = set.check(text, Format::Markdown);
    let rules: Vec<(&str, String)> = found
        .iter()
        .map(|d| (d.rule.as_str(), d.message.clone()))
        .filter(|(r, _)| *r != "News.DateStyle")
        .collect();
    let ids: Vec<&str> = rules.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        ids,
        vec![
            "News.MonthSpelling",
            "News.RepeatedWord",
            "News.PastParticiple",
            "News.ImpossibleDate",
            "News.WeekdayMismatch",
            "News.AbsoluteModifier"
        ],
        "{rules:?}"
    );
    // Messages quote the words, not the markup between them.
    assert!(rules[3].1.starts_with("`June 31`"), "{}", rules[3].1);
    assert!(rules[4].1.starts_with("`Sunday, Feb. 6, 2023` was a Monday"), "{}", rules[4].1);
}

#[test]
fn a_dateline_is_read_in_crlf_copy_as_in_lf_copy() {
    let set = builtin();
    let lf = "Wednesday, Feb. 8, 2023\n\nThe quake struck before dawn on Sunday, Feb. 6.\n";
    let crlf = lf.replace('\n', "\r\n");
    for text in [lf, crlf.as_str()] {
        let found = set.check(text, Format::Text);
        let weekday: Vec<&str> =
            found.iter().filter(|d| d.rule == "News.WeekdayMismatch").map(|d| d.message.as_str()).collect();
        assert_eq!(
            weekday,
            vec!["`Sunday, Feb. 6` was a Monday (assuming 2023, from the dateline)"],
            "{text:?}"
        );
    }
}

#[test]
fn suppression_comments_silence_their_rules_and_report_stale_ones() {
    let mut set = builtin();
    let text = "Talks Stall\n\n\
        <!-- copydesk-disable News.Azeri -- the ministry's own wording -->\n\
        Azeri forces advanced, the Azeri ministry said.\n\
        <!-- copydesk-enable News.Azeri -->\n\n\
        Azeri troops massed in the the capital. <!-- copydesk-disable-line News.RepeatedWord -->\n\n\
        <!-- copydesk-disable-next-line News -->\n\
        Talks began on Feburary 3 in the the hall.\n\n\
        <!-- copydesk-disable-next-line News.Azeri, News.Nope -->\n\
        Clean copy here.\n\n\
        <!-- copydesk-disable-next-line News.RepeatedWord -->\n\
        Nothing to silence here.\n";
    for format in [Format::Text, Format::Markdown] {
        let found = set.check(text, format);
        let got: Vec<(usize, &str)> = found
            .iter()
            .map(|d| (text[..d.range.start].matches('\n').count() + 1, d.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(7, "News.Azeri"), (12, "copydesk.Suppression"), (15, "copydesk.Suppression"),],
            "{format:?}: {found:#?}"
        );
        assert!(found[1].message.starts_with("`News.Nope` names no rule"), "{}", found[1].message);
        assert!(found[2].message.contains("suppresses nothing"), "{}", found[2].message);
        // The comment itself is no prose: its words draw no findings.
        assert!(
            found
                .iter()
                .all(|d| !text[d.range.clone()].contains("copydesk-disable")
                    || d.rule == "copydesk.Suppression")
        );
    }
    // A comment naming a rule that did not run (not selected) is not called stale.
    set.select(&["News.Azeri".to_owned()], &[]);
    let found = set.check(text, Format::Text);
    assert!(
        found.iter().all(|d| d.rule != "copydesk.Suppression" || d.message.contains("News.Nope")),
        "{found:#?}"
    );
}

#[test]
fn suppression_regions_end_by_name_or_pack_and_code_examples_do_not_count() {
    let set = builtin();
    let md = "# Talks\n\n\
        <!-- copydesk-disable News.Azeri, News.Archaic -->\n\n\
        Azeri troops massed amongst the ruins.\n\n\
        <!-- copydesk-enable News.Azeri -->\n\n\
        Azeri troops massed amongst the tents.\n\n\
        <!-- copydesk-enable News -->\n\n\
        Troops massed amongst the trees.\n\n\
        <!-- copydesk-enable News.Azeri -->\n\n\
        ```\n<!-- copydesk-disable News -->\n```\n\n\
        Talks in Kiev.\n";
    let found = set.check(md, Format::Markdown);
    let got: Vec<(usize, &str)> =
        found.iter().map(|d| (md[..d.range.start].matches('\n').count() + 1, d.rule.as_str())).collect();
    assert_eq!(
        got,
        vec![(9, "News.Azeri"), (13, "News.Archaic"), (15, "copydesk.Suppression"), (21, "News.PlaceName"),],
        "{found:#?}"
    );
    assert!(found[2].message.contains("enables what no"), "{}", found[2].message);
    // In plain text, a comment line inside a hard-wrapped paragraph does not split it.
    let text = "Headline\n\nThe talks (held in Geneva\n<!-- copydesk-disable-next-line News.Azeri -->\nwith Azeri envoys) ended on Monday.\n";
    let found = set.check(text, Format::Text);
    assert!(found.is_empty(), "{found:#?}");
}

/// No pattern of CommonMisspelling matches the right spelling it writes: one that did
/// (`comm?itt?ee` matched `committee`) found nothing there, since the fix would change nothing,
/// but the prefilter then found its literal in every story with the right word, and the rule's
/// regex searched thousands of stories for nothing.
#[test]
fn no_misspelling_pattern_matches_the_right_spelling() {
    let file = pack::builtin(true).into_iter().find(|f| f.name == "CommonMisspelling").expect("the rule");
    let table: toml::Table = file.text.parse().expect("the rule file parses");
    let swap = table["substitution"]["swap"].as_table().expect("a swap table");
    let right_words = [
        "committee",
        "tomorrow",
        "recommend",
        "recommended",
        "recommendation",
        "threshold",
        "thresholds",
        "possession",
        "accommodate",
        "accommodation",
        "separate",
        "occurred",
        "government",
        "necessary",
        "occasion",
        "possess",
        "address",
        "parallel",
        "embarrass",
        "harass",
    ];
    for (pattern, replacement) in swap {
        let whole =
            regex::RegexBuilder::new(&format!("^(?:{pattern})$")).case_insensitive(true).build().unwrap();
        let replacement = replacement.as_str().expect("a replacement");
        // A replacement without groups is the right spelling itself.
        let mut rights: Vec<&str> = right_words.to_vec();
        if !replacement.contains('$') {
            rights.push(replacement);
        }
        for right in rights {
            assert!(!whole.is_match(right), "`{pattern}` matches the right spelling `{right}`");
        }
    }
}

#[test]
fn a_comment_that_names_no_rule_is_stale_only_when_every_rule_ran() {
    let mut set = builtin();
    let text = "Headline\n\n<!-- copydesk-disable-next-line -->\nClean copy here.\n";
    let stale = |found: &[copydesk::diagnostic::Diagnostic]| {
        found
            .iter()
            .filter(|d| d.rule == "copydesk.Suppression" && d.message.contains("suppresses nothing"))
            .count()
    };
    assert_eq!(stale(&set.check(text, Format::Text)), 1, "every rule ran and none had anything to suppress");
    // With one rule selected, the comment may be there for a rule that did not run.
    set.select(&["News.Azeri".to_owned()], &[]);
    assert_eq!(stale(&set.check(text, Format::Text)), 0);
}
