//! Each rule kind on small documents, through the public engine: what is flagged, where, with
//! which message, labels and fix. Rules are written inline as a newsroom would write them.

use copydesk::diagnostic::Diagnostic;
use copydesk::engine::RuleSet;
use copydesk::fix;
use copydesk::pack::{self, RuleFile};
use copydesk::source::Format;

fn rules(files: &[(&str, &str)]) -> RuleSet {
    let mut all = pack::builtin(false);
    for (name, text) in files {
        let (pack, rule) = name.split_once('.').expect("Pack.Rule");
        all.push(RuleFile {
            path: format!("test/{pack}/{rule}.toml"),
            pack: pack.to_owned(),
            name: rule.to_owned(),
            text: (*text).to_owned(),
            builtin: false,
        });
    }
    let (set, problems) = pack::load(all, true);
    assert!(problems.is_empty(), "{problems:#?}");
    set
}

fn check(set: &RuleSet, text: &str) -> Vec<(String, String)> {
    set.check(text, Format::Text)
        .iter()
        .map(|d| (text[d.range.clone()].to_owned(), d.message.clone()))
        .collect()
}

fn fixed(text: &str, found: &[Diagnostic]) -> String {
    fix::apply(text, found.iter().filter_map(|d| d.fix.as_ref())).0
}

#[test]
fn occurrence_counts_tokens_per_document() {
    let set = rules(&[(
        "T.Bangs",
        "description = \"x\"\nmessage = \"{count} exclamation marks; at most {max}\"\n[occurrence]\nper = \"document\"\nraw = ['!']\nmax = 1\n",
    )]);
    let text = "Wow! Really!\n\nYes!";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "3 exclamation marks; at most 1");
    assert_eq!(found[0].range, 11..12, "the first mark over the limit");
    assert!(check(&set, "Wow! Fine.").is_empty());
}

#[test]
fn occurrence_counts_words_per_sentence_and_paragraph() {
    let set = rules(&[
        (
            "T.Short",
            "description = \"x\"\nmessage = \"{count} words\"\n[occurrence]\nper = \"sentence\"\nmin = 3\n",
        ),
        (
            "T.Para",
            "description = \"x\"\nmessage = \"{count} words\"\n[occurrence]\nper = \"paragraph\"\nmax = 5\n",
        ),
    ]);
    let found = check(&set, "Stop. This one is long enough.\n\nOne two three four.");
    assert_eq!(
        found,
        vec![
            ("Stop.".to_owned(), "1 words".to_owned()),
            ("Stop. This one is long enough.".to_owned(), "6 words".to_owned()),
        ]
    );
}

#[test]
fn a_pack_extends_the_abbreviations_that_steer_sentences() {
    let rule =
        "description = \"x\"\nmessage = \"{count} words\"\n[occurrence]\nper = \"sentence\"\nmin = 2\n";
    let text = "Brig. Smith met the chief of police.";
    let set = rules(&[("T.Short", rule)]);
    assert_eq!(check(&set, text), vec![("Brig.".to_owned(), "1 words".to_owned())]);
    let mut files = pack::builtin(false);
    files.push(RuleFile {
        path: "test/T/pack.toml".into(),
        pack: "T".into(),
        name: "pack".into(),
        text: "[segmentation]\nextend-abbreviations = [\"Brig.\"]\n".into(),
        builtin: false,
    });
    files.push(RuleFile {
        path: "test/T/Short.toml".into(),
        pack: "T".into(),
        name: "Short".into(),
        text: rule.into(),
        builtin: false,
    });
    let (set, problems) = pack::load(files, true);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(check(&set, text).is_empty(), "`Brig.` no longer ends a sentence");
}

/// A pack's calendar with an empty name is refused where it is written, and the calendar
/// before it stays: the date rules still read dates.
#[test]
fn a_calendar_with_an_empty_name_is_refused_where_it_is() {
    let months = |first: &str| {
        let rest = ["February", "March", "April", "May", "June", "July", "August", "September"];
        let rest = rest.iter().chain(&["October", "November", "December"]);
        std::iter::once(first).chain(rest.copied()).map(|m| format!("'{m}'")).collect::<Vec<_>>().join(", ")
    };
    let abbreviations = |first: &str| {
        let rest = (0..11).map(|_| "['Feb.']".to_owned());
        std::iter::once(format!("['Jan.', '{first}']")).chain(rest).collect::<Vec<_>>().join(", ")
    };
    for (calendar, item) in [
        (format!("months = [{}]", months("")), "item 1 has no name"),
        (format!("months = [{}]", months("  ")), "item 1 has no name"),
        (format!("month-abbreviations = [{}]", abbreviations("")), "item 1 has no name"),
        ("weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', '']".to_owned(), "item 7 has no name"),
    ] {
        let text = format!("[calendar]\n{calendar}\n");
        let mut files = pack::builtin(true);
        files.push(RuleFile {
            path: "test/T/pack.toml".into(),
            pack: "T".into(),
            name: "pack".into(),
            text: text.clone(),
            builtin: false,
        });
        let (set, problems) = pack::load(files, true);
        assert_eq!(problems.len(), 1, "{text}: {problems:#?}");
        let problem = &problems[0];
        assert_eq!(set.files[problem.file].path, std::path::PathBuf::from("test/T/pack.toml"));
        assert_eq!(problem.problem.message, "a name here is empty");
        assert_eq!(problem.problem.label, item);
        assert!(text[problem.problem.span.clone()].starts_with('['), "the list: {text}");
        // The built-in calendar stands: a misspelt month is still found.
        let found = set.check("Talks resume on Febuary 3, officials said.", Format::Text);
        assert!(found.iter().any(|d| d.rule == "News.MonthSpelling"), "{text}: {found:#?}");
    }
}

#[test]
fn consistency_prefers_the_named_form_and_labels_it() {
    let set = rules(&[(
        "T.Cf",
        "description = \"x\"\nmessage = \"`{match}`, not `{other}`\"\n[consistency]\n[[consistency.group]]\nforms = ['ceasefire', 'cease-fire']\nprefer = 'ceasefire'\n",
    )]);
    let text = "A cease-fire. Another cease-fire. Then a Ceasefire.";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 2, "the preferred form wins though it is the minority");
    assert_eq!(found[0].message, "`cease-fire`, not `Ceasefire`");
    assert_eq!(&text[found[0].labels[0].range.clone()], "Ceasefire");
    assert_eq!(fixed(text, &found), "A ceasefire. Another ceasefire. Then a Ceasefire.");
    assert!(
        check(&set, "Only a cease-fire here, and another cease-fire.").is_empty(),
        "one form is consistent"
    );
}

#[test]
fn substitution_keeps_case_and_honours_exceptions() {
    let set = rules(&[(
        "T.Kyiv",
        "description = \"x\"\nmessage = \"`{replacement}`\"\n[substitution]\nignore-case = true\nswap = { 'kiev' = 'Kyiv', 'utilis(e|ed)' = 'us$1' }\nexceptions = ['chicken kiev']\n",
    )]);
    let text = "KIEV and Kiev. Utilised, utilise. Chicken Kiev.";
    let found = set.check(text, Format::Text);
    assert_eq!(fixed(text, &found), "KYIV and Kyiv. Used, use. Chicken Kiev.");
}

#[test]
fn existence_skips_quotations_unless_told_not_to() {
    let rule = |skip: bool| {
        format!(
            "description = \"x\"\nmessage = \"`{{match}}`\"\nskip-quotes = {skip}\n[existence]\ntokens = ['slammed']\n"
        )
    };
    let text = "Critics slammed it. “They slammed us,” he said.";
    assert_eq!(check(&rules(&[("T.Slam", &rule(true))]), text).len(), 1);
    assert_eq!(check(&rules(&[("T.Slam", &rule(false))]), text).len(), 2);
}

#[test]
fn fixes_are_withheld_inside_quotations() {
    let set = rules(&[("T.Rep", "description = \"x\"\nmessage = \"`{match}` twice\"\n[repetition]\n")]);
    let text = "He said “the the plan” and the the vote.";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 2);
    assert!(found[0].fix.is_none());
    assert_eq!(found[0].notes, vec!["not fixed automatically: the text is inside a direct quotation"]);
    assert!(found[1].fix.is_some());
}

#[test]
fn scope_limits_rules_to_kinds_of_block() {
    let set = rules(&[(
        "T.Head",
        "description = \"x\"\nmessage = \"`{match}`\"\nscope = ['heading']\n[existence]\ntokens = ['Azeri']\n",
    )]);
    let text = "# Azeri talks\n\nAzeri forces.\n\n- Azeri list\n";
    let found = set.check(text, Format::Markdown);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].range, 2..7);
}

#[test]
fn capitalization_takes_the_majority_form() {
    let set =
        rules(&[("T.Case", "description = \"x\"\nmessage = \"`{match}` vs `{first}`\"\n[capitalization]\n")]);
    let text = "Envoys of the Minsk group met. The Minsk Group said no. Later the Minsk Group met again.";
    assert_eq!(
        check(&set, text),
        vec![("Minsk group".to_owned(), "`Minsk group` vs `Minsk Group`".to_owned())]
    );
}

fn date_rule(check: &str, extra: &str) -> RuleSet {
    let text = format!(
        "description = \"x\"\nmessage = \"{{match}}|{{replacement}}|{{weekday}}|{{year}}|{{assumed}}|{{reason}}\"\n[date]\ncheck = \"{check}\"\n{extra}"
    );
    let mut all = pack::builtin(false);
    all.push(RuleFile {
        path: "test/T/D.toml".into(),
        pack: "T".into(),
        name: "D".into(),
        text,
        builtin: false,
    });
    let (set, problems) = pack::load(all, true);
    assert!(problems.is_empty(), "{problems:#?}");
    set
}

#[test]
fn date_weekday_takes_the_dateline_year_nearest_its_date() {
    let set = date_rule("weekday", "dateline = ['^[A-Z]+,']");
    // Dated Jan. 2, 2021: "Wednesday, Dec. 30" is in 2020, when Dec. 30 was a Wednesday.
    let text = "BAKU, Jan. 2, 2021 (Wire) - Talks resumed.\n\nThey met on Wednesday, Dec. 30, and on Monday, Dec. 28.";
    assert!(check(&set, text).is_empty(), "{:?}", check(&set, text));
    let text = "BAKU, Jan. 2, 2021 (Wire) - Talks resumed.\n\nThey met on Thursday, Dec. 30.";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].range.clone()], "Thursday");
    assert_eq!(
        found[0].message,
        "Thursday, Dec. 30|Wednesday|Wednesday|2020| (assuming 2020, from the dateline)|"
    );
    assert_eq!(&text[found[0].labels[0].range.clone()], "Jan. 2, 2021");
    assert!(
        check(&set, "They met on Thursday, Dec. 30.").is_empty(),
        "no year, no dateline: nothing to judge"
    );
}

#[test]
fn date_style_keeps_one_form_per_story_without_house_forms() {
    let set = date_rule("style", "");
    let text = "Talks began Sept. 27 and resumed on September 30. A vote on Oct. 3rd.";
    let found = set.check(text, Format::Text);
    let flagged: Vec<&str> = found.iter().map(|d| &text[d.range.clone()]).collect();
    assert_eq!(flagged, vec!["September 30", "Oct. 3rd"]);
    assert_eq!(&text[found[0].labels[0].range.clone()], "Sept.");
    assert_eq!(fixed(text, &found), "Talks began Sept. 27 and resumed on Sept. 30. A vote on Oct. 3.");
}

#[test]
fn date_style_in_day_month_order() {
    let set = date_rule(
        "style",
        "order = \"day-month\"\nwith-day = [\"January\", \"February\", \"March\", \"April\", \"May\", \"June\", \"July\", \"August\", \"September\", \"October\", \"November\", \"December\"]",
    );
    let text = "Polls close on Oct. 3, 2020, and 4 November.";
    let found = set.check(text, Format::Text);
    assert_eq!(fixed(text, &found), "Polls close on 3 October 2020, and 4 November.");
}

#[test]
fn numbers_that_are_not_dates() {
    let set = date_rule("impossible", "not-before = ['Street']");
    for text in
        ["Take Route 31 to Section 31.", "The office is at June 31st Street.", "Scores: Sep 39, Oct 45."]
    {
        assert!(check(&set, text).is_empty(), "{text}: {:?}", check(&set, text));
    }
    assert_eq!(check(&set, "On June 31 it rained.").len(), 1);
}

#[test]
fn attribution_ties_figures_to_claims_in_one_clause() {
    let set = rules(&[(
        "T.Source",
        "description = \"x\"\nmessage = \"{figure}+{claim}\"\n[attribution]\nfigures = ['[0-9]+', 'hundreds']\nclaims = ['killed', 'protesters']\nclaims-before = ['killed']\nattributions = ['said']\nwindow = \"sentence\"\n",
    )]);
    assert_eq!(
        check(&set, "The blast killed 12 people. Hundreds of protesters gathered."),
        vec![
            ("killed 12".to_owned(), "12+killed".to_owned()),
            ("Hundreds of protesters".to_owned(), "Hundreds+protesters".to_owned())
        ]
    );
    // `protesters` must follow its figure; `and` ends the clause; the window is the sentence.
    assert!(check(&set, "The protesters were 12. Police said so.").is_empty());
    assert!(check(&set, "It rained for 12 hours and killed crops.").is_empty(), "`and` ends the clause");
    assert_eq!(
        check(&set, "Police said so. Then 5 were killed.").len(),
        1,
        "a sentence window ignores the paragraph"
    );
    assert!(check(&set, "“They killed 12,” he said.").is_empty(), "quoted figures are the speaker's");
}

#[test]
fn duplicates_are_found_after_normalising_and_removed_with_their_space() {
    let set = rules(&[(
        "T.Para",
        "description = \"x\"\nmessage = \"{match} from line {line}\"\n[duplicate]\nunit = \"paragraph\"\nmin-words = 3\n",
    )]);
    let text = "One two three four.\n\nFive six seven.\n\nONE two  three\nfour.\n\nEnd of it all.";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "ONE two three four. from line 1");
    assert_eq!(fixed(text, &found), "One two three four.\n\nFive six seven.\n\nEnd of it all.");
    let set = rules(&[(
        "T.Sent",
        "description = \"x\"\nmessage = \"{match}\"\n[duplicate]\nunit = \"sentence\"\nmin-words = 3\n",
    )]);
    let text = "One two three four.\n\nOne two three four.";
    assert!(check(&set, text).is_empty(), "a paragraph repeated whole is the paragraph rule's");
    assert_eq!(check(&set, "One two three four. Five. One two three four.").len(), 1);
    // A passage pasted twice is one finding, and its fix keeps the paragraph that follows it.
    let text = "One two three four. Five six seven eight.\n\nOne two three four. Five six seven eight. Nine ten eleven.";
    let found = set.check(text, Format::Text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].labels[0].message, "first copy of these 2 sentences here");
    assert_eq!(fixed(text, &found), "One two three four. Five six seven eight.\n\nNine ten eleven.");
}

#[test]
fn names_spelled_two_ways_need_evidence_of_one_person() {
    let set = rules(&[(
        "T.Names",
        "description = \"x\"\nmessage = \"{match} for {spelling} ({first})\"\n[names]\nperson-after = ['said']\n",
    )]);
    let text = "Halliburton chief executive David Lesar spoke. Lefar said demand was strong.";
    assert_eq!(check(&set, text), vec![("Lefar".to_owned(), "Lefar for Lesar (David Lesar)".to_owned())]);
    // Two people with their own given names; a surname before the full name; no person cue.
    assert!(check(&set, "David Lesar met Anna Lefar. Lefar said so.").is_empty());
    assert!(check(&set, "Lefar said so. Then David Lesar spoke.").is_empty());
    assert!(check(&set, "David Lesar spoke. Lefar was absent.").is_empty());
    // The same given name: one person, spelled two ways, even with no cue.
    assert_eq!(check(&set, "Jose Barrionuevo spoke. Later Jose Barrioneuvo left.").len(), 1);
    // Inside a quotation the reporter spelled the name; the full name leaves out the title.
    assert_eq!(
        check(&set, "Chief executive David Lesar spoke. \"Lefar said so,\" she said."),
        vec![("Lefar".to_owned(), "Lefar for Lesar (David Lesar)".to_owned())]
    );
}

#[test]
fn names_in_a_long_document_are_compared_through_an_index_with_the_same_result() {
    let set = rules(&[(
        "T.Names",
        "description = \"x\"\nmessage = \"{match} for {spelling}\"\n[names]\nperson-after = ['said']\n",
    )]);
    // 300 people, each named in full once: enough that comparing every pair would be slow, so
    // the kind compares spellings that share a deletion variant.
    let mut text = String::from("Chief executive David Lesar spoke.\n\n");
    for i in 0..300u32 {
        let name: String =
            (0..7).map(|k| char::from(b'a' + u8::try_from((i * 7 + k * 3) % 26).unwrap())).collect();
        text.push_str(&format!("Officer Anna K{name} spoke on the day.\n\n"));
    }
    text.push_str("Lefar said demand was strong.\n");
    let found = check(&set, &text);
    assert!(found.contains(&("Lefar".to_owned(), "Lefar for Lesar".to_owned())), "{found:?}");
}

#[test]
fn names_established_by_majority_are_places_and_companies() {
    let set = rules(&[(
        "T.Names",
        "description = \"x\"\nmessage = \"{match} for {spelling} ({first})\"\n[names]\nmajority = 3\n",
    )]);
    let text = "Chrysler cut jobs. Chrysler said so. Chrsyler shares fell. Chrysler rose.";
    assert_eq!(
        check(&set, text),
        vec![("Chrsyler".to_owned(), "Chrsyler for Chrysler (Chrysler)".to_owned())]
    );
    // Too few uses; short names; two edits; a variant used as often as half the name's uses.
    assert!(check(&set, "Chrysler cut jobs. Chrysler said so. Chrsyler shares fell.").is_empty());
    assert!(check(&set, "Iran, Iran and Iran. Iraq.").is_empty());
    assert!(check(&set, "Austria, Austria and Austria. Australia.").is_empty());
    assert!(check(&set, "Halliburton, Halliburton, Halliburton. Haliburton, Haliburton.").is_empty());
    // Without `majority`, a name must be introduced with a given name.
    let plain = rules(&[("T.Names", "description = \"x\"\nmessage = \"{match}\"\n[names]\n")]);
    assert!(check(&plain, text).is_empty());
}

#[test]
fn balance_allows_quotations_that_run_on() {
    let set = rules(&[(
        "T.Quote",
        "description = \"x\"\nmessage = \"{match} {problem}\"\nskip-quotes = false\n[balance]\nquotes = [['“', '”'], ['\"', '\"']]\n",
    )]);
    let runs_on = "“We will win,” he said.\n\n“We have the numbers.\n\n“And we will show it,” she said.";
    assert!(check(&set, runs_on).is_empty(), "{:?}", check(&set, runs_on));
    assert_eq!(
        check(&set, "“We have the numbers.\n\nShe left."),
        vec![("“".to_owned(), "“ is never closed".to_owned())]
    );
    assert_eq!(
        check(&set, "He said so.” She left."),
        vec![("”".to_owned(), "” has no opening mark".to_owned())]
    );
    // Paragraphs run together in scraped copy, titles ending in a number, inch marks.
    assert!(
        check(
            &set,
            "\"It is over.  \"We start again,\" he said. It sold \"Grand Theft Auto 4\" and a 12\" screen."
        )
        .is_empty()
    );
    assert_eq!(check(&set, "The minister read:\"We have won. She left.").len(), 1);
}

#[test]
fn balance_reads_nested_and_glued_straight_quotes() {
    let set = rules(&[(
        "T.Quote",
        "description = \"x\"\nmessage = \"{match} {problem}\"\nskip-quotes = false\n[balance]\nquotes = [['\"', '\"']]\n",
    )]);
    let fine = [
        // A quotation inside a quotation, written with the same mark.
        "\"Banks may \"evergreen\" loans, and words like \"prolonged\" matter,\" the report said.",
        // A mark before an ellipsis or a dot opens; one after a bracket, a single quote or a
        // dash closes.
        "\"...And if we learn,\" he said. It sells \".book\" and \".com\" names.",
        "\"We would need an exchange (in London)\", he said. \"It is 'in recovery'\". The rating is \"B3\"/\"B-\".",
        // A paragraph run together after a nested single quote or a stray backslash.
        "\"Is it 9.15 metres?'  \"If they say so,\" he said. \"The last time. \\ \"It was,\" she said.",
        // A closing mark glued to the next sentence.
        "\"We met the challenge.\"Earlier, he left.",
        // Two spaces after a full stop inside one quotation are no lost paragraph break.
        "\"First ends here.  Second follows,\" he said.  \"New one.  Still going,\" she said.",
    ];
    for text in fine {
        assert!(check(&set, text).is_empty(), "{text}: {:?}", check(&set, text));
    }
    // A quotation left open around a nested pair is missing its closing mark, even where the
    // next sentence reopens a quotation.
    assert_eq!(
        check(
            &set,
            "\"You have seen it. Saks expects a \"significant\" fall. Sales slid. \"It will take time,\" he said."
        ),
        vec![("\"".to_owned(), "\" is never closed".to_owned())]
    );
    assert_eq!(check(&set, "He called it \"great and said \"fine\" later.").len(), 1);
    // A quotation still open at a lost paragraph break, with no closing mark after it.
    assert_eq!(check(&set, "\"Never closed.  Then the reporter's own words.").len(), 1);
}

#[test]
fn consistency_finds_a_form_matched_with_case_only_where_it_is_written_so() {
    // `US` is too short for the prefilter: it is looked for as written. A form with a space
    // still matches any whitespace.
    let set = rules(&[(
        "T.Abbr",
        "description = \"x\"\nmessage = \"`{match}` vs `{other}`\"\n[consistency]\nignore-case = false\n\
         [[consistency.group]]\nforms = ['U\\.S\\.', 'US']\n[[consistency.group]]\nforms = ['N\\.Y\\.', 'N Y']\n",
    )]);
    let found = |text: &str| check(&set, text).into_iter().map(|(m, _)| m).collect::<Vec<_>>();
    assert_eq!(found("U.S. talks. The US envoy. Status of us."), vec!["US"]);
    assert!(found("U.S. talks. The bus stopped. Status of us.").is_empty());
    assert_eq!(found("N.Y. talks.\n\nIn N\nY, and N.Y."), vec!["N\nY"]);
}

#[test]
fn consistency_with_ignore_case_finds_a_short_form_in_any_case() {
    // With `ignore-case`, `US` is never looked for as written: "us" is a use of it.
    let set = rules(&[(
        "T.Abbr",
        "description = \"x\"\nmessage = \"`{match}` vs `{other}`\"\n[consistency]\n\
         [[consistency.group]]\nforms = ['U\\.S\\.', 'US']\n",
    )]);
    let found: Vec<String> = check(&set, "U.S. talks. Tell us more.").into_iter().map(|(m, _)| m).collect();
    assert_eq!(found, vec!["us"]);
}

#[test]
fn capitalization_connectors_with_a_capital_connect_nothing() {
    // A word's key is lowercase: a connector written `vAn` never matched one. With `van` a
    // connector, "Ludwig van Beethoven" and "Ludwig Van Beethoven" differ only in a connector;
    // without, the first is the name capitalized another way.
    let rule = |connectors: &str| {
        rules(&[(
            "T.Case",
            &format!(
                "description = \"x\"\nmessage = \"`{{match}}` vs `{{first}}`\"\n[capitalization]\nconnectors = [{connectors}]\n"
            ),
        )])
    };
    let text =
        "Ludwig van Beethoven wrote it. Then Ludwig Van Beethoven played it. Then Ludwig Van Beethoven left.";
    assert!(check(&rule("'van'"), text).is_empty());
    let expected = vec![(
        "Ludwig van Beethoven".to_owned(),
        "`Ludwig van Beethoven` vs `Ludwig Van Beethoven`".to_owned(),
    )];
    assert_eq!(check(&rule("'of'"), text), expected);
    assert_eq!(check(&rule("'vAn'"), text), expected);
}

#[test]
fn names_that_share_a_hash_are_told_apart_by_their_letters() {
    // Words of 17 letters or more of one length whose first and last eight letters agree share
    // the quick hash of a word: the kind compares the words themselves, so "abcdefghyyyyijklmnop"
    // is no occurrence of a name with "Abcdefghxxxxijklmnop".
    let set =
        rules(&[("T.Case", "description = \"x\"\nmessage = \"`{match}` vs `{first}`\"\n[capitalization]\n")]);
    let text =
        |other: &str| format!("Then Zed Abcdefghxxxxijklmnop Group met. Later the Zed {other} group met.");
    assert_eq!(
        check(&set, &text("abcdefghxxxxijklmnop")),
        vec![(
            "Zed abcdefghxxxxijklmnop group".to_owned(),
            "`Zed abcdefghxxxxijklmnop group` vs `Zed Abcdefghxxxxijklmnop Group`".to_owned()
        )]
    );
    assert!(check(&set, &text("abcdefghyyyyijklmnop")).is_empty());
}
