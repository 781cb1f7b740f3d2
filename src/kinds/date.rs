//! `date`: dates as news copy writes them ("Oct. 3", "October 3, 2020", "3 October 2020",
//! "Saturday, Oct. 3"), and one check on them per rule.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `check` | `"ordinal-suffix"`, `"impossible"`, `"weekday"`, `"month-spelling"` or `"style"` | what the rule checks |
//! | `with-day` | list of 12 month forms (`style`) | the house form of each month before a day (AP: `Jan.`, `Feb.`, `March` … `Sept.`); without it, one form per story |
//! | `ordinals` | bool, default false (`style`) | whether `Oct. 3rd` is house style |
//! | `order` | `"month-day"`, `"day-month"` or `"any"`, default any (`style`) | the house order |
//! | `dateline` | list of regexes (`weekday`, `impossible`) | a block whose first line matches one dates the story; its year is assumed where a date has none |
//! | `not-before` | list of regexes | a "date" followed by one of these is not a date (`June 31st Street`) |
//! | `max-distance` | integer, default 2 (`month-spelling`) | the most edits between a word and a month name for it to be a misspelling |
//! | `exceptions` | list of regexes | whole-word matches that excuse a finding they overlap |
//!
//! The month and weekday names and their abbreviations come from the packs' `[calendar]`. A date is a month name or
//! abbreviation with a day of 1 to 31 before or after it, with an optional ordinal suffix,
//! year and weekday (or its abbreviation) before it. A day over 31 is no date, nor a number
//! after `.`, `/`, `-` or `:` (`70.9 February`, `9/11 September`), nor a date followed by one
//! of the `not-before` words (`June 31st Street`); "Route 3" and "3rd quarter" name no month.
//!
//! | check | flags | span | fix |
//! |---|---|---|---|
//! | `ordinal-suffix` | `October 3rt`, `Feb. 10nd`, and any number with a wrong suffix (`the 22th richest`) | the number and suffix | the right suffix (safe) |
//! | `impossible` | `June 31`, `Sept. 31`, `Feb. 29, 2023` | the date | none |
//! | `weekday` | `Sunday, Feb. 6, 2023` (a Monday), also with the year of the dateline | the weekday | the right weekday (unsafe: the day may be the slip) |
//! | `month-spelling` | `Feburary 3`, `27 Sepember`, `in Feburary last year` | the word | the month (safe) |
//! | `style` | a month form, order or ordinal other than the house's | the date after any weekday | the house form (safe) |
//!
//! Placeholders: `{match}` (the date as written), `{replacement}` (what the fix writes, or the
//! house form), `{reason}` (why a date is impossible), `{weekday}` (the weekday the date fell
//! on), `{year}` (the year the date was judged by, empty when none was needed or known) and
//! `{assumed}` (" (assuming 2020, from the dateline)" when the year was not written but taken
//! from the dateline, otherwise empty).
//!
//! ```toml
//! message = "`{match}` was a {weekday}{assumed}"
//! [date]
//! check = "weekday"
//! dateline = ['^[A-Z][A-Z .,/-]+,', '^Source:']
//! ```

use std::ops::Range;

use regex::{Captures, Regex};
use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, match_case};
use crate::calendar::{self, Calendar};
use crate::config::DateStyle;
use crate::diagnostic::{Applicability, Edit, Fix, Label};
use crate::pattern::{Exceptions, Mode, Patterns};
use crate::rule::Compiler;
use crate::toml_file;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "replacement", "reason", "weekday", "year", "assumed"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] =
    &["check", "with-day", "ordinals", "order", "dateline", "not-before", "max-distance", "exceptions"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    check: Spanned<String>,
    with_day: Option<Spanned<Vec<Spanned<String>>>>,
    ordinals: Option<Spanned<bool>>,
    order: Option<Spanned<String>>,
    #[serde(default)]
    dateline: Vec<Spanned<String>>,
    #[serde(default)]
    not_before: Vec<Spanned<String>>,
    max_distance: Option<Spanned<usize>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    OrdinalSuffix,
    Impossible,
    Weekday,
    MonthSpelling,
    Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    MonthDay,
    DayMonth,
}

/// The house style of the `style` check.
#[derive(Debug)]
struct Style {
    /// The form of each month before a day; `None` for "one form per story".
    with_day: Option<Vec<String>>,
    ordinals: bool,
    order: Option<Order>,
}

#[derive(Debug)]
pub struct Date {
    check: Check,
    calendar: Calendar,
    dates: Shared,
    /// A word before or after a day that may be a misspelt month (`month-spelling`).
    near_month: Shared,
    /// A number with an ordinal suffix, anywhere.
    ordinal: Shared,
    /// The prefilter's slot for its literals (`1st`, `3rt`: a digit and a suffix), for the
    /// `ordinal-suffix` check: most stories have none.
    ordinal_slot: Option<usize>,
    not_before: Option<Patterns>,
    dateline: Option<Patterns>,
    style: Style,
    max_distance: usize,
    exceptions: Exceptions,
    /// Where the dates regex is searched: near month names.
    months: Months,
    /// What the month-spelling check's quick look asks of a capital, worked out once.
    slips: Slips,
}

/// The months as [`Date::has_month_slip`] looks at them: their first letters, and for each
/// ASCII month its first byte, its length and the letters after the first, as bits.
#[derive(Debug)]
struct Slips {
    /// The months' first bytes, as bits.
    initials: [u64; 4],
    /// For each first byte, the length and letter bits of the ASCII months it begins.
    shapes: Vec<Vec<(usize, u32)>>,
    /// Whether every month is ASCII (and so has a shape).
    all_ascii: bool,
    /// The shapes again, three for each first byte (padded with lengths no word has), when
    /// every month is ASCII and no first byte begins more than three: for [`may_slip`].
    three: Option<Box<Three>>,
}

impl Slips {
    fn new(calendar: &Calendar) -> Slips {
        let mut initials = [0u64; 4];
        for first in calendar.months.iter().filter_map(|m| m.bytes().next()) {
            initials[usize::from(first / 64)] |= 1 << (first % 64);
        }
        let mut shapes = vec![Vec::new(); 256];
        let ascii: Vec<&String> = calendar.months.iter().filter(|m| !m.is_empty() && m.is_ascii()).collect();
        for m in &ascii {
            let bits = letter_bits(&m.to_ascii_lowercase().as_bytes()[1..]);
            shapes[usize::from(m.as_bytes()[0])].push((m.len(), bits));
        }
        let all_ascii = ascii.len() == calendar.months.len();
        let three = (all_ascii && shapes.iter().all(|s| s.len() <= 3)).then(|| {
            let mut three = Box::new([[(NO_LENGTH, 0u32); 3]; 256]);
            for (padded, shapes) in three.iter_mut().zip(&shapes) {
                for (slot, &(len, bits)) in padded.iter_mut().zip(shapes) {
                    *slot = (u32::try_from(len).unwrap_or(NO_LENGTH), bits);
                }
            }
            three
        });
        Slips { initials, all_ascii, shapes, three }
    }

    /// Whether some month begins with this byte.
    fn initial(&self, b: u8) -> bool {
        self.initials[usize::from(b / 64)] & 1 << (b % 64) != 0
    }
}

/// For each first byte, the length and letter bits of up to three months it begins.
type Three = [[(u32, u32); 3]; 256];

/// A month length no word near a month has: [`Slips::three`]'s padding.
const NO_LENGTH: u32 = 1 << 20;

/// Whether the capital at `i` of an ASCII text may begin a word that
/// [`Date::has_month_slip`] flags, as far as the first of its tests tell: a run of five to
/// twelve letters with the capital, no word byte after it, and a length and letters an edit or
/// `max_distance` apart from some month's of the capital (`three`, [`Slips::three`]). Told from
/// the sixteen bytes after the capital with no branch on them (asked one by one, each test is a
/// branch the processor guesses poorly); `None` when fewer than sixteen bytes follow. Most
/// capitals that begin with a month's first letter fail.
fn may_slip(three: &Three, bytes: &[u8], i: usize, max_distance: usize) -> Option<bool> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let after: &[u8] = bytes.get(i + 1..i + 17)?;
    let eight = |k: usize| u64::from_le_bytes(after[k..k + 8].try_into().expect("eight bytes"));
    // Each byte's top bit: whether it is a lowercase ASCII letter.
    let lowercase = |x: u64| {
        let at_least = |bound: u8| (x & !HIGH) + u64::from_ne_bytes([0x80 - bound; 8]);
        at_least(b'a') & !at_least(b'z' + 1) & !x & HIGH
    };
    // The letters after the capital: up to the first byte that is no lowercase letter.
    let first = ((!lowercase(eight(0)) & HIGH).trailing_zeros() / 8) as usize;
    let second = ((!lowercase(eight(8)) & HIGH).trailing_zeros() / 8) as usize;
    let run = first + if first == 8 { second } else { 0 };
    let len = run + 1;
    let next = after[run.min(15)];
    let candidate = (5..=12).contains(&len) & !(next.is_ascii_alphanumeric() | (next == b'_'));
    let limit = if len <= 6 { 1 } else { max_distance };
    let mut bits = 0u32;
    for (k, &c) in after[..12].iter().enumerate() {
        bits |= u32::from(k < run) << (c.wrapping_sub(b'a') & 31);
    }
    let near = three[usize::from(bytes[i])].iter().fold(false, |near, &(n, month)| {
        near | ((n as usize).abs_diff(len) <= limit) & ((bits & !month).count_ones() as usize <= limit)
    });
    Some(candidate & near)
}

/// The lowercase ASCII letters among some bytes, as bits.
fn letter_bits(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|b| b.is_ascii_lowercase()).fold(0u32, |bits, b| bits | 1 << (b - b'a'))
}

/// The places of a text where a date may be: every date has a month name, so the dates regex
/// (which has no literal a search could look for first, and read the whole of every story) is
/// searched only in a window around each month name: the most a date can run before and after
/// one, with the runs of whitespace in it however long.
#[derive(Debug)]
struct Months {
    /// Every form of a month the dates regex matches (names, abbreviations without their full
    /// stop); `None`, and the whole text is searched, when a weekday form holds one (then a month
    /// in a weekday may not be where a date's month is) or a month or weekday form is more than
    /// one word (`Tháng Một`: the windows are counted in words).
    finder: Option<aho_corasick::AhoCorasick>,
    /// The most bytes of a word before a month in a date (a weekday with its stop, a day with its
    /// suffix, `of`).
    word: usize,
    /// The most bytes of a month form with its stop.
    month: usize,
}

impl Months {
    fn new(calendar: &Calendar) -> Months {
        let bare = |form: &String| form.trim_end_matches('.').to_owned();
        let mut forms: Vec<String> = calendar.months.clone();
        forms.extend(calendar.month_abbreviations.iter().flatten().map(bare));
        let weekdays: Vec<&String> =
            calendar.weekdays.iter().chain(calendar.weekday_abbreviations.iter().flatten()).collect();
        // The windows hold a month form and weekdays of one word each.
        let gap = |form: &String| form.contains(|c: char| c.is_whitespace() || c == ',' || c == '\x1F');
        let clash = forms.iter().any(|m| m.is_empty() || weekdays.iter().any(|w| w.contains(m.as_str())))
            || forms.iter().chain(weekdays.iter().copied()).any(gap);
        let finder = (!clash)
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(&forms)
                    .ok()
            })
            .flatten();
        let word = weekdays.iter().map(|w| w.len() + 1).chain([4, 2]).max().unwrap_or(4);
        let month = forms.iter().map(|m| m.len() + 1).max().unwrap_or(0);
        Months { finder, word, month }
    }

    /// The matches of the dates regex in `text`, as a search from its start finds them.
    fn captures<'t>(&self, regex: &Regex, text: &'t str) -> Vec<Captures<'t>> {
        let Some(finder) = &self.finder else { return regex.captures_iter(text).collect() };
        // Every place a month form starts, one search after the start of the last.
        let starts = std::iter::successors(finder.find(text), |last| {
            finder.find(aho_corasick::Input::new(text).range(last.start() + 1..))
        })
        .map(|m| m.start());
        let mut out = Vec::new();
        // Where the last match ended: the search goes on from there.
        let mut from = 0;
        for at in starts {
            if at < from {
                continue;
            }
            let start = self.back(text, at, from);
            let end = self.forward(text, at);
            // A date has a day, one or two ASCII digits: most month names in a story have none
            // near (`in March`, `Market`), and need no search.
            if !text.as_bytes()[start..end].iter().any(u8::is_ascii_digit) {
                continue;
            }
            let Some(found) = regex.captures_at(&text[..end], start) else { continue };
            let whole = found.get(0).expect("group 0 is the match");
            // A match before this month with a later one in it: the whole text decides.
            let found =
                if whole.range().contains(&at) { Some(found) } else { regex.captures_at(text, start) };
            if let Some(found) = found {
                from = found.get(0).expect("group 0 is the match").end();
                out.push(found);
            }
        }
        out
    }

    /// Where a date with its month at `at` may start at the earliest (not before `floor`): up to
    /// three words back (a weekday, a day, `of`), each after a run of whitespace, markers and
    /// commas.
    fn back(&self, text: &str, at: usize, floor: usize) -> usize {
        let gap = |c: char| c.is_whitespace() || c == '\x1F' || c == ',';
        let mut i = at;
        for _ in 0..3 {
            while let Some(c) = text[floor..i].chars().next_back().filter(|&c| gap(c)) {
                i -= c.len_utf8();
            }
            let mut taken = 0;
            while let Some(c) = text[floor..i].chars().next_back().filter(|&c| !gap(c)) {
                if taken + c.len_utf8() > self.word {
                    break;
                }
                taken += c.len_utf8();
                i -= c.len_utf8();
            }
        }
        i
    }

    /// Where a date with its month at `at` ends at the latest, and a character more for the
    /// word boundary after it: the month with its stop, then a day with its suffix and a year,
    /// each after a run of whitespace, markers and commas.
    fn forward(&self, text: &str, at: usize) -> usize {
        let gap = |c: char| c.is_whitespace() || c == '\x1F' || c == ',';
        let mut i = at;
        let word = |i: &mut usize, most: usize| {
            let mut taken = 0;
            while let Some(c) = text[*i..].chars().next().filter(|&c| !gap(c)) {
                if taken + c.len_utf8() > most {
                    break;
                }
                taken += c.len_utf8();
                *i += c.len_utf8();
            }
        };
        word(&mut i, self.month);
        for _ in 0..2 {
            while let Some(c) = text[i..].chars().next().filter(|&c| gap(c)) {
                i += c.len_utf8();
            }
            word(&mut i, 4);
        }
        i + text[i..].chars().next().map_or(0, char::len_utf8)
    }
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Date> {
    let spec = spanned.get_ref();
    let check = match spec.check.get_ref().as_str() {
        "ordinal-suffix" => Some(Check::OrdinalSuffix),
        "impossible" => Some(Check::Impossible),
        "weekday" => Some(Check::Weekday),
        "month-spelling" => Some(Check::MonthSpelling),
        "style" => Some(Check::Style),
        other => {
            let mut problem = toml_file::Problem::new(
                spec.check.span(),
                format!("unknown date check `{other}`"),
                "expected `ordinal-suffix`, `impossible`, `weekday`, `month-spelling` or `style`",
            );
            let names = ["ordinal-suffix", "impossible", "weekday", "month-spelling", "style"];
            if let Some(best) = toml_file::closest(other, &names) {
                problem = problem.with_note(format!("help: did you mean `{best}`?"));
            }
            cx.push(problem);
            None
        }
    };
    let calendar = cx.language.calendar.clone();
    if !calendar.is_complete() {
        cx.error(
            spec.check.span(),
            "the date kind needs a calendar: twelve `months` and seven `weekdays` in a pack's `[calendar]`",
            "no calendar",
        );
        return None;
    }
    let check = check?;
    // Keys that only one check reads are mistakes elsewhere.
    let misplaced = |cx: &mut Compiler, span: Option<Range<usize>>, key: &str, checks: &str| {
        if let Some(span) = span {
            cx.error(span, format!("only the {checks} check reads `{key}`"), "ignored by this check");
        }
    };
    if check != Check::Style {
        misplaced(cx, spec.with_day.as_ref().map(Spanned::span), "with-day", "`style`");
        misplaced(cx, spec.ordinals.as_ref().map(Spanned::span), "ordinals", "`style`");
        misplaced(cx, spec.order.as_ref().map(Spanned::span), "order", "`style`");
    }
    if !matches!(check, Check::Weekday | Check::Impossible) {
        misplaced(cx, spec.dateline.first().map(Spanned::span), "dateline", "`weekday` or `impossible`");
    }
    if check != Check::MonthSpelling {
        misplaced(cx, spec.max_distance.as_ref().map(Spanned::span), "max-distance", "`month-spelling`");
    }
    let mut style = Style {
        with_day: spec.with_day.as_ref().and_then(|list| with_day(cx, list, &calendar)),
        ordinals: spec.ordinals.as_ref().is_some_and(|o| *o.get_ref()),
        order: match spec.order.as_ref().map(|o| (o.get_ref().as_str(), o.span())) {
            None | Some(("any", _)) => None,
            Some(("month-day", _)) => Some(Order::MonthDay),
            Some(("day-month", _)) => Some(Order::DayMonth),
            Some((other, span)) => {
                cx.error(
                    span,
                    format!("unknown order `{other}`"),
                    "expected `month-day`, `day-month` or `any`",
                );
                None
            }
        },
    };
    // A newsroom's `copydesk.toml` names its date style, which the style check follows over
    // the rule file's forms.
    if let (Check::Style, Some(house)) = (check, cx.language.house.date) {
        let full = calendar.months.clone();
        let ap = [
            "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
        ];
        let (forms, order) = match house {
            DateStyle::Ap if calendar.months.first().is_some_and(|m| m == "January") => {
                (ap.map(String::from).to_vec(), Order::MonthDay)
            }
            DateStyle::Ap | DateStyle::Reuters => (full, Order::MonthDay),
            DateStyle::Guardian => (full, Order::DayMonth),
        };
        style = Style { with_day: Some(forms), ordinals: false, order: Some(order) };
    }
    let not_before = Patterns::compile_unfiltered(cx, &spec.not_before, Mode::Words, false);
    let dateline = Patterns::compile_optional(cx, &spec.dateline, Mode::Raw, false);
    let exceptions = Exceptions::compile(cx, &spec.exceptions, false);
    let months = Months::new(&calendar);
    let slips = Slips::new(&calendar);
    let date = Date {
        check,
        dates: shared(&dates_pattern(&calendar)),
        near_month: shared(&format!(
            r"(?-u:\b)(?:(?P<before>[A-Z][a-z]{{4,11}})\.?{gap}(?:[0-9]{{1,2}}|[0-9]{{4}}|last|next|this)(?-u:\b)|[0-9]{{1,2}}{gap}(?P<after>[A-Z][a-z]{{4,11}})(?-u:\b)|(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Ff]rom|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?|[Ll]ast|[Nn]ext|[Tt]his){gap}(?P<within>[A-Z][a-z]{{6,11}})(?-u:\b))",
            gap = crate::pattern::GAP
        )),
        ordinal: shared(ORDINAL),
        ordinal_slot: (check == Check::OrdinalSuffix)
            .then(|| Patterns::slot_of(cx, ORDINAL, false))
            .flatten(),
        calendar,
        not_before: not_before?,
        dateline: dateline?,
        style,
        max_distance: spec.max_distance.as_ref().map_or(2, |d| *d.get_ref()),
        exceptions: exceptions?,
        months,
        slips,
    };
    // The regexes this check searches with.
    let searched = match check {
        Check::MonthSpelling => vec![&date.near_month],
        Check::OrdinalSuffix => vec![&date.dates, &date.ordinal],
        _ => vec![&date.dates],
    };
    cx.deferred
        .extend(searched.into_iter().map(|r| r.clone() as std::sync::Arc<dyn crate::pattern::Deferred>));
    Some(date)
}

/// A number with an ordinal suffix (`3rd`, `3rt`).
const ORDINAL: &str = r"(?-u:\b)([0-9]{1,4})([snrt][tdh])(?-u:\b)";

/// A regex the date rules share: the five built-in ones read dates with the same patterns, so
/// each is compiled once per run, and only when a document is first searched with it (or
/// sooner, [`crate::pattern::Deferred`]).
type Shared = std::sync::Arc<SharedRegex>;

#[derive(Debug)]
struct SharedRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl crate::pattern::Deferred for SharedRegex {
    fn build(&self) {
        compiled(self);
    }

    fn built(&self) -> bool {
        self.compiled.get().is_some()
    }
}

fn shared(pattern: &str) -> Shared {
    static CACHE: std::sync::Mutex<Vec<Shared>> = std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(regex) = cache.iter().find(|r| r.pattern == pattern) {
        return regex.clone();
    }
    let regex = std::sync::Arc::new(SharedRegex {
        pattern: pattern.to_owned(),
        compiled: std::sync::OnceLock::new(),
    });
    cache.push(regex.clone());
    regex
}

/// The compiled regex of a shared pattern.
fn compiled(shared: &SharedRegex) -> &Regex {
    shared
        .compiled
        .get_or_init(|| Regex::new(&shared.pattern).expect("built from escaped names and fixed parts"))
}

/// Checks the `with-day` list: one form of each month, in calendar order.
fn with_day(
    cx: &mut Compiler,
    list: &Spanned<Vec<Spanned<String>>>,
    calendar: &Calendar,
) -> Option<Vec<String>> {
    if list.get_ref().len() != 12 {
        cx.error(
            list.span(),
            "`with-day` gives the form of each of the twelve months",
            format!("{} here", list.get_ref().len()),
        );
        return None;
    }
    let mut ok = true;
    for (i, form) in list.get_ref().iter().enumerate() {
        if calendar.month(form.get_ref()) != u32::try_from(i + 1).ok() {
            let month = &calendar.months[i];
            cx.error(
                form.span(),
                format!("`{}` is not a form of {month}", form.get_ref()),
                format!("expected {month} or one of its abbreviations"),
            );
            ok = false;
        }
    }
    ok.then(|| list.get_ref().iter().map(|f| f.get_ref().clone()).collect())
}

/// One regex for every date the calendar can name, with named groups for its parts.
fn dates_pattern(calendar: &Calendar) -> String {
    let mut months: Vec<(usize, String)> =
        calendar.months.iter().map(|m| (m.len(), regex::escape(m))).collect();
    for forms in &calendar.month_abbreviations {
        for form in forms {
            let bare = form.trim_end_matches('.');
            months.push((bare.len(), format!(r"{}\.?", regex::escape(bare))));
        }
    }
    // Longer forms first, so that "March" is preferred to "Mar".
    months.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
    let months = months.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("|");
    let b = r"(?-u:\b)";
    // A weekday name ends a word; an abbreviation ends with its full stop, or ends a word.
    let mut weekdays: Vec<String> =
        calendar.weekdays.iter().map(|w| format!("{}{b}", regex::escape(w))).collect();
    let mut abbreviations: Vec<&String> = calendar.weekday_abbreviations.iter().flatten().collect();
    abbreviations.sort_by_key(|a| std::cmp::Reverse(a.len()));
    weekdays.extend(abbreviations.into_iter().map(|a| {
        let escaped = regex::escape(a);
        if a.ends_with('.') { escaped } else { format!("{escaped}{b}") }
    }));
    let weekdays = weekdays.join("|");
    let gap = crate::pattern::GAP;
    format!(
        r"(?:{b}(?P<wd>{weekdays})\x1F*,?{gap})?(?:{b}(?P<m1>{months}){gap}(?P<d1>[0-9]{{1,2}})(?P<o1>[snrt][tdh])?{b}(?:\x1F*,?{gap}(?P<y1>[0-9]{{4}}){b})?|{b}(?P<d2>[0-9]{{1,2}})(?P<o2>[snrt][tdh])?{gap}(?:of{gap})?(?P<m2>{months})(?:\x1F*,?{gap}(?P<y2>[0-9]{{4}}){b})?)"
    )
}

/// A date found in the text, with the ranges of its parts (document offsets).
#[derive(Clone, Debug)]
pub struct Found {
    range: Range<usize>,
    weekday: Option<(Range<usize>, u32)>,
    month: (Range<usize>, u32),
    day: (Range<usize>, u32),
    suffix: Option<Range<usize>>,
    year: Option<(Range<usize>, i64)>,
    order: Order,
}

impl Found {
    /// The date without its weekday: what the `style` check rewrites.
    fn body(&self) -> Range<usize> {
        let start = match self.order {
            Order::MonthDay => self.month.0.start,
            Order::DayMonth => self.day.0.start,
        };
        start..self.range.end
    }
}

/// The year a story is dated: from the first dateline, with the date it was read from.
struct Dateline {
    year: i64,
    month: u32,
    day: u32,
    range: Range<usize>,
}

impl Date {
    /// Every date in the blocks the rule reads. The dates of every block are read once per
    /// document, for all the rules that share this rule's regex.
    fn dates(&self, cx: &Context) -> Vec<Found> {
        let key = std::sync::Arc::as_ptr(&self.dates) as usize;
        let all = |blocks: &mut dyn Iterator<Item = &crate::markup::Block>| {
            let mut found = Vec::new();
            for block in blocks {
                let text = cx.doc.prose(block.range.clone());
                for caps in self.months.captures(compiled(&self.dates), text) {
                    found.extend(self.read(text, block.range.start, &caps));
                }
            }
            found
        };
        let (shared_by, dates) = cx.memo.dates.get_or_init(|| (key, all(&mut cx.doc.blocks.iter())));
        let dates = if *shared_by == key { dates } else { &all(&mut cx.blocks()) };
        let kept = |d: &&Found| {
            let i = cx.doc.blocks.partition_point(|b| b.range.end <= d.range.start);
            cx.doc.blocks.get(i).is_some_and(|b| {
                cx.scope.contains(b.scope)
                    && !self.followed_by_exception(&cx.doc.prose[d.range.end..b.range.end])
            })
        };
        dates.iter().filter(kept).cloned().collect()
    }

    fn read(&self, text: &str, base: usize, caps: &Captures) -> Option<Found> {
        let whole = caps.get(0)?;
        let at = |m: regex::Match| base + m.start()..base + m.end();
        let (order, month, day, suffix, year) = match caps.name("m1") {
            Some(m) => (Order::MonthDay, m, caps.name("d1")?, caps.name("o1"), caps.name("y1")),
            None => (Order::DayMonth, caps.name("m2")?, caps.name("d2")?, caps.name("o2"), caps.name("y2")),
        };
        // A month must end a word ("Sept" in "Septuagint" is none).
        if order == Order::DayMonth
            && year.is_none()
            && text[month.end()..].starts_with(char::is_alphanumeric)
        {
            return None;
        }
        // A number after `.`, `/`, `-` or `:` belongs to another figure ("70.9 February", "9/11
        // September 11", "19-20 February"), not a day.
        if text[..day.start()].ends_with(['.', '/', '-', ':']) {
            return None;
        }
        let day_number: u32 = day.as_str().parse().ok()?;
        if day_number == 0 || day_number > 31 {
            return None;
        }
        Some(Found {
            range: at(whole),
            weekday: caps.name("wd").and_then(|w| Some((at(w), self.calendar.weekday(w.as_str())?))),
            month: (at(month), self.calendar.month(month.as_str())?),
            day: (at(day), day_number),
            suffix: suffix.map(at),
            year: year.and_then(|y| Some((at(y), y.as_str().parse().ok()?))),
            order,
        })
    }

    /// Whether the next word after a "date" is one of `not-before` (`June 31st Street`).
    fn followed_by_exception(&self, after: &str) -> bool {
        let Some(not_before) = &self.not_before else { return false };
        let next_word = after.trim_start();
        let gap = after.len() - next_word.len();
        gap > 0 && not_before.at_start(next_word).is_some()
    }

    /// The story's date, from the first block whose first line matches a `dateline` pattern.
    fn dateline(&self, cx: &Context, dates: &[Found]) -> Option<Dateline> {
        let patterns = self.dateline.as_ref()?;
        for block in &cx.doc.blocks {
            let text = cx.doc.prose(block.range.clone());
            let first_line = text[..text.find('\n').unwrap_or(text.len())].trim_end_matches('\r');
            if patterns.at_start(first_line).is_none() {
                continue;
            }
            let line = block.range.start..block.range.start + first_line.len();
            let from = dates.partition_point(|d| d.range.start < line.start);
            let dated = dates[from..]
                .iter()
                .take_while(|d| d.range.start < line.end)
                .find(|d| d.year.is_some() && d.range.end <= line.end);
            if let Some(d) = dated {
                let (_, year) = d.year.clone().expect("found with a year");
                return Some(Dateline { year, month: d.month.1, day: d.day.1, range: d.range.clone() });
            }
        }
        None
    }

    /// The year of a date: written, or the dateline's year nearest the dateline's date.
    fn year_of(date: &Found, dateline: Option<&Dateline>) -> Option<(i64, bool)> {
        if let Some((_, year)) = &date.year {
            return Some((*year, false));
        }
        let line = dateline?;
        let anchor = calendar::days_from_civil(line.year, line.month, line.day);
        // The day is clamped to the month so that a date that does not exist still has a year.
        let day = date.day.1.min(28);
        let year = (line.year - 1..=line.year + 1)
            .min_by_key(|&y| (calendar::days_from_civil(y, date.month.1, day) - anchor).abs())?;
        Some((year, true))
    }

    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        if self.check == Check::MonthSpelling {
            self.misspelt_months(cx, hits);
            return;
        }
        let mut dates = self.dates(cx);
        dates.retain(|d| cx.counts(&d.range));
        let mut kept = Vec::new();
        for block in cx.blocks() {
            let text = cx.doc.prose(block.range.clone());
            let from = dates.partition_point(|d| d.range.start < block.range.start);
            let to = dates.partition_point(|d| d.range.start < block.range.end);
            let mut here: Vec<Found> =
                dates[from..to].iter().filter(|d| d.range.end <= block.range.end).cloned().collect();
            self.exceptions.retain_unexcused(text, &mut here, |d| {
                d.range.start - block.range.start..d.range.end - block.range.start
            });
            kept.extend(here);
        }
        let dates = kept;
        // Only the ordinal check looks beyond dates (at any number with a suffix).
        if dates.is_empty() && self.check != Check::OrdinalSuffix {
            return;
        }
        let dateline = matches!(self.check, Check::Weekday | Check::Impossible)
            .then(|| self.dateline(cx, &dates))
            .flatten();
        match self.check {
            Check::OrdinalSuffix => self.ordinal_suffixes(cx, &dates, hits),
            Check::Impossible => self.impossible(cx, &dates, dateline.as_ref(), hits),
            Check::Weekday => self.weekdays(cx, &dates, dateline.as_ref(), hits),
            Check::Style => self.style(cx, &dates, hits),
            Check::MonthSpelling => {}
        }
    }

    fn written(cx: &Context, range: &Range<usize>) -> String {
        cx.quoted(range)
    }

    /// Malformed ordinals in dates ("October 3rt"), and in any number ("Russia's 23th richest").
    fn ordinal_suffixes(&self, cx: &Context, dates: &[Found], hits: &mut Vec<Hit>) {
        let mut found: Vec<(Range<usize>, Range<usize>, u32, String)> = dates
            .iter()
            .filter_map(|d| Some((d.day.0.clone(), d.suffix.clone()?, d.day.1, Self::written(cx, &d.range))))
            .collect();
        let numbers = self.ordinal_slot.is_none_or(|slot| cx.present.get(slot).copied().unwrap_or(true));
        for block in cx.blocks().filter(|_| numbers) {
            let text = cx.doc.prose(block.range.clone());
            let base = block.range.start;
            let mut loose: Vec<(Range<usize>, Range<usize>)> = Vec::new();
            for caps in compiled(&self.ordinal).captures_iter(text) {
                let (number, suffix) = (caps.get(1).expect("group 1"), caps.get(2).expect("group 2"));
                let range = base + number.start()..base + suffix.end();
                // Dates are in order and never overlap: only the last one starting before the
                // ordinal's end can cover it.
                let covering = dates.partition_point(|d| d.range.start < range.end).checked_sub(1);
                if covering.is_some_and(|i| range.start < dates[i].range.end) || !cx.counts(&range) {
                    continue;
                }
                loose.push((range, base + suffix.start()..base + suffix.end()));
            }
            self.exceptions.retain_unexcused(text, &mut loose, |(r, _)| r.start - base..r.end - base);
            for (range, suffix) in loose {
                let Ok(number) = cx.doc.text[range.start..suffix.start].parse::<u32>() else { continue };
                let written = cx.doc.text[range.clone()].to_owned();
                found.push((range.start..suffix.start, suffix, number, written));
            }
        }
        for (number_range, suffix, number, written) in found {
            let right = ordinal_suffix(number);
            if cx.doc.text[suffix.clone()] == *right {
                continue;
            }
            let replacement = format!("{number}{right}");
            hits.push(Hit {
                range: number_range.start..suffix.end,
                args: vec![("match", written), ("replacement", replacement.clone())],
                labels: Vec::new(),
                fix: Some(Fix {
                    title: format!("write `{replacement}`"),
                    edits: vec![Edit { range: suffix, replacement: right.to_owned() }],
                    applicability: Applicability::Safe,
                }),
            });
        }
    }

    fn impossible(&self, cx: &Context, dates: &[Found], dateline: Option<&Dateline>, hits: &mut Vec<Hit>) {
        for date in dates {
            let (month, day) = (date.month.1, date.day.1);
            // The year matters only for Feb. 29; a written one is reported all the same.
            let known = Self::year_of(date, dateline);
            let year = known.filter(|&(_, assumed)| !assumed || (month == 2 && day == 29));
            let days = calendar::days_in_month(month, year.filter(|_| month == 2).map(|(y, _)| y));
            if day <= days {
                continue;
            }
            let name = &self.calendar.months[month as usize - 1];
            let reason = match year {
                Some((y, _)) if month == 2 => format!("{y} is not a leap year, so {name} has 28 days"),
                _ => format!("{name} has {days} days"),
            };
            let written = Self::written(cx, &date.range);
            hits.push(Self::dated_hit(
                written,
                date.range.clone(),
                year,
                dateline,
                vec![("reason", reason)],
                None,
            ));
        }
    }

    fn weekdays(&self, cx: &Context, dates: &[Found], dateline: Option<&Dateline>, hits: &mut Vec<Hit>) {
        for date in dates {
            let Some((weekday_range, written)) = &date.weekday else { continue };
            let Some((year, assumed)) = Self::year_of(date, dateline) else { continue };
            if date.day.1 > calendar::days_in_month(date.month.1, Some(year)) {
                continue;
            }
            let actual = calendar::weekday_of(year, date.month.1, date.day.1);
            if actual == *written {
                continue;
            }
            let name = self.calendar.weekdays[actual as usize].clone();
            // An abbreviated weekday is corrected to the abbreviation in the same place of its
            // list (`Wed.` to `Tue.`, `Thurs.` to `Tues.`), or the first.
            let was = &cx.doc.text[weekday_range.clone()];
            let abbreviations = |day: u32| self.calendar.weekday_abbreviations.get(day as usize);
            let replacement =
                match abbreviations(*written).and_then(|forms| forms.iter().position(|f| f == was)) {
                    Some(at) => abbreviations(actual)
                        .and_then(|forms| forms.get(at).or(forms.first()))
                        .cloned()
                        .unwrap_or_else(|| name.clone()),
                    None => name.clone(),
                };
            let fix = Fix {
                title: format!("write `{replacement}`"),
                edits: vec![Edit { range: weekday_range.clone(), replacement: replacement.clone() }],
                applicability: Applicability::Unsafe,
            };
            let args = vec![("weekday", name), ("replacement", replacement)];
            let written = Self::written(cx, &date.range);
            let judged = Some((year, assumed));
            hits.push(Self::dated_hit(written, weekday_range.clone(), judged, dateline, args, Some(fix)));
        }
    }

    /// A hit about one date, with the year it was judged by and a label on the dateline when
    /// that year was assumed.
    fn dated_hit(
        written: String,
        range: Range<usize>,
        year: Option<(i64, bool)>,
        dateline: Option<&Dateline>,
        mut args: Vec<(&'static str, String)>,
        fix: Option<Fix>,
    ) -> Hit {
        let mut labels = Vec::new();
        let mut assumed = String::new();
        if let (Some((y, true)), Some(line)) = (year, dateline) {
            assumed = format!(" (assuming {y}, from the dateline)");
            labels.push(Label {
                range: line.range.clone(),
                message: format!("the story is dated {}", line.year),
            });
        }
        args.push(("match", written));
        args.push(("year", year.map_or_else(String::new, |(y, _)| y.to_string())));
        args.push(("assumed", assumed));
        Hit { range, args, labels, fix }
    }

    fn style(&self, cx: &Context, dates: &[Found], hits: &mut Vec<Hit>) {
        let style = &self.style;
        let sound: Vec<&Found> = dates
            .iter()
            .filter(|d| d.day.1 <= calendar::days_in_month(d.month.1, d.year.as_ref().map(|(_, y)| *y)))
            .filter(|d| d.suffix.as_ref().is_none_or(|s| cx.doc.text[s.clone()] == *ordinal_suffix(d.day.1)))
            .collect();
        // Without a house form per month, the form a story uses first for a month is its form.
        let mut chosen: Vec<Option<(String, Range<usize>)>> = vec![None; 12];
        for date in &sound {
            let month = date.month.1 as usize - 1;
            // The month as written, without markup around or inside it (`**Sept.**`).
            let form = cx.quoted(&date.month.0);
            let house = match &style.with_day {
                Some(forms) => forms[month].clone(),
                None => chosen[month].get_or_insert_with(|| (form.clone(), date.month.0.clone())).0.clone(),
            };
            let order = style.order.unwrap_or(date.order);
            let day = if style.ordinals && date.suffix.is_some() {
                format!("{}{}", date.day.1, ordinal_suffix(date.day.1))
            } else {
                date.day.1.to_string()
            };
            let house_month = match_case(&form, &house);
            let mut replacement = match order {
                Order::MonthDay => format!("{house_month} {day}"),
                Order::DayMonth => format!("{day} {house_month}"),
            };
            if let Some((_, year)) = &date.year {
                replacement.push_str(&match order {
                    Order::MonthDay => format!(", {year}"),
                    Order::DayMonth => format!(" {year}"),
                });
            }
            let body = date.body();
            let written = cx.quoted(&body);
            if replacement == written {
                continue;
            }
            // A month's full stop that also ends the sentence stays ("on 3 Sept. The count" is
            // "on Sept. 3. The count").
            if written.ends_with('.') && !replacement.ends_with('.') && Self::ends_sentence(cx, body.end) {
                replacement.push('.');
            }
            let labels = match (&style.with_day, &chosen[month]) {
                (None, Some((first, range))) if *range != date.month.0 => {
                    vec![Label { range: range.clone(), message: format!("`{first}` here") }]
                }
                _ => Vec::new(),
            };
            hits.push(Hit {
                range: body.clone(),
                args: vec![("match", Self::written(cx, &body)), ("replacement", replacement.clone())],
                labels,
                fix: Some(Fix {
                    title: format!("write `{replacement}`"),
                    edits: vec![Edit { range: body, replacement }],
                    applicability: Applicability::Safe,
                }),
            });
        }
    }

    /// Whether a full stop just before `at` ends a sentence: a capitalized word follows it.
    fn ends_sentence(cx: &Context, at: usize) -> bool {
        let rest = &cx.doc.prose[at..];
        let next = rest.trim_start();
        next.len() < rest.len() && next.starts_with(char::is_uppercase) || next.is_empty()
    }

    fn misspelt_months(&self, cx: &Context, hits: &mut Vec<Hit>) {
        if self.has_month_slip(cx) {
            self.search_misspelt_months(cx, hits);
        }
    }

    /// [`Date::misspelt_months`] without the quick check.
    fn search_misspelt_months(&self, cx: &Context, hits: &mut Vec<Hit>) {
        for block in cx.blocks() {
            let text = cx.doc.prose(block.range.clone());
            let mut found: Vec<Range<usize>> = compiled(&self.near_month)
                .captures_iter(text)
                .filter_map(|caps| {
                    caps.name("before")
                        .or_else(|| caps.name("after"))
                        .or_else(|| caps.name("within"))
                        .map(|m| m.range())
                })
                .collect();
            self.exceptions.retain_unexcused(text, &mut found, Range::clone);
            for word_range in found {
                let word = &text[word_range.clone()];
                if self.calendar.month(word).is_some() || self.calendar.weekday(word).is_some() {
                    continue;
                }
                // A name, not a month: a possessive (`Macy's`), or a capitalized word after it
                // (`Queen Marie 2`); nor is a word that starts with a month (`Mayor`, `Aprils`).
                let rest = &text[word_range.end..];
                let named = rest.starts_with(['\'', '’'])
                    || (rest.starts_with(char::is_whitespace)
                        && rest.trim_start().starts_with(char::is_uppercase));
                if named || self.calendar.months.iter().any(|m| word.starts_with(m.as_str())) {
                    continue;
                }
                let Some(month) = self.nearest_month(word) else { continue };
                let range = block.range.start + word_range.start..block.range.start + word_range.end;
                if !cx.counts(&range) {
                    continue;
                }
                hits.push(Hit {
                    args: vec![("match", word.to_owned()), ("replacement", month.clone())],
                    fix: Some(Fix {
                        title: format!("write `{month}`"),
                        edits: vec![Edit { range: range.clone(), replacement: month }],
                        applicability: Applicability::Safe,
                    }),
                    range,
                    labels: Vec::new(),
                });
            }
        }
    }

    /// Whether the document has a word the month-spelling check would flag, by what every such
    /// word is: a capitalized run of five to twelve ASCII letters with no letter or digit against
    /// it, no month or weekday and not beginning with a month, close to a month. Most stories
    /// have none, and are not searched with the regex.
    ///
    /// In ASCII prose such a word begins a word of the segmentation (an opener), or follows the
    /// `'` or `-` that joins it to the word before (`O'Febuary`): only those capitals are
    /// looked at. Elsewhere every capital is.
    fn has_month_slip(&self, cx: &Context) -> bool {
        let prose: &str = &cx.doc.prose;
        let bytes = prose.as_bytes();
        let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        // A word with more letters that no month of its first letter has than an edit changes
        // is none misspelt (most words).
        let Slips { shapes, all_ascii, .. } = &self.slips;
        // Whether the capital at `i` begins a word that would be flagged; and where that word
        // ends, past which no capital begins one.
        let slip_at = |i: usize| -> (bool, usize) {
            let b = bytes[i];
            if !self.slips.initial(b) || (i > 0 && word_byte(bytes[i - 1])) {
                return (false, i + 1);
            }
            let end = i + 1 + bytes[i + 1..].iter().take_while(|b| b.is_ascii_lowercase()).count();
            let candidate = (5..=12).contains(&(end - i)) && !bytes.get(end).is_some_and(|&b| word_byte(b));
            // An edit changes the length by one at most, and the letters by one.
            let limit = if end - i <= 6 { 1 } else { self.max_distance };
            let maybe_near = || {
                let bits = letter_bits(&bytes[i + 1..end]);
                !all_ascii
                    || shapes[usize::from(b)].iter().any(|&(len, month)| {
                        len.abs_diff(end - i) <= limit && (bits & !month).count_ones() as usize <= limit
                    })
            };
            if !candidate || !maybe_near() {
                return (false, end);
            }
            let word = &prose[i..end];
            let mut letters = [0i32; 26];
            for b in word.bytes().skip(1) {
                letters[usize::from(b - b'a')] += 1;
            }
            let near = |m: &String| {
                if !m.is_ascii() {
                    return true;
                }
                if m.bytes().next() != Some(b) {
                    return false;
                }
                if m.len().abs_diff(word.len()) > limit {
                    return false;
                }
                let mut left = letters;
                for c in m.bytes().skip(1).map(|c| c.to_ascii_lowercase()) {
                    if c.is_ascii_lowercase() {
                        left[usize::from(c - b'a')] -= 1;
                    }
                }
                left.iter().filter(|&&n| n > 0).sum::<i32>() <= i32::try_from(limit).unwrap_or(i32::MAX)
            };
            if !self.calendar.months.iter().any(near) {
                return (false, end);
            }
            let month_or_weekday =
                self.calendar.month(word).is_some() || self.calendar.weekday(word).is_some();
            let starts_with_month = self.calendar.months.iter().any(|m| word.starts_with(m.as_str()));
            (!month_or_weekday && !starts_with_month && self.nearest_month(word).is_some(), end)
        };
        if cx.ascii() {
            // A word shorter than five bytes has no run of five letters (most capitalized words
            // are, or begin with no month's first letter).
            let openers = cx.seg.openers.iter().map(|&w| &cx.seg.words[w]);
            let openers =
                openers.filter(|w| (w.len() >= 5) & self.slips.initial(bytes[w.start])).map(|w| w.start);
            let joined = memchr::memchr2_iter(b'\'', b'-', bytes).map(|at| at + 1);
            // The first tests without a branch each, where sixteen bytes follow the capital.
            let three = self.slips.three.as_deref().filter(|_| self.max_distance < NO_LENGTH as usize);
            let first_tests = |i: usize| {
                three.and_then(|three| may_slip(three, bytes, i, self.max_distance)) != Some(false)
            };
            return openers
                .chain(joined)
                .any(|i| bytes.get(i).is_some_and(u8::is_ascii_uppercase) && first_tests(i) && slip_at(i).0);
        }
        let mut i = 0;
        while let Some(at) = next_capital(bytes, i) {
            let (slip, end) = slip_at(at);
            if slip {
                return true;
            }
            i = end;
        }
        false
    }

    /// The month a word misspells: same first letter, close enough for its length.
    fn nearest_month(&self, word: &str) -> Option<String> {
        let len = word.chars().count();
        let limit = if len <= 6 { 1 } else { self.max_distance };
        self.calendar
            .months
            .iter()
            .filter(|m| m.chars().next() == word.chars().next())
            .map(|m| (toml_file::edit_distance(word, m), m))
            .filter(|&(d, _)| d > 0 && d <= limit)
            .min_by_key(|&(d, _)| d)
            .map(|(_, m)| m.clone())
    }
}

/// Where the next ASCII capital is, from `from` on: eight bytes at a time, told apart by
/// arithmetic on them as one number (most runs of eight bytes have none).
fn next_capital(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let chunk = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        // Each byte's top bit: at least `A`, not past `Z`, and ASCII to begin with.
        let low = chunk & LOW;
        let at_least_a = low + 0x3f3f_3f3f_3f3f_3f3f;
        let past_z = low + 0x2525_2525_2525_2525;
        let capitals = at_least_a & !past_z & !chunk & HIGH;
        if capitals != 0 {
            return Some(i + (capitals.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i.min(bytes.len())..].iter().position(u8::is_ascii_uppercase).map(|at| i + at)
}

/// The English ordinal suffix of a day: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st.
fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_are_found_eight_bytes_at_a_time() {
        let text = "the Minsk group met in Moscow on Oct. 3; Zürich ÉA @[`{ zZ";
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while let Some(at) = next_capital(bytes, i) {
            found.push(at);
            i = at + 1;
        }
        let expected: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_uppercase()).collect();
        assert_eq!(found, expected);
        for bytes in [&b""[..], b"abc", b"abcdefghX", b"\xff\xc3\x80ABCDEFGH"] {
            let expected = bytes.iter().position(u8::is_ascii_uppercase);
            assert_eq!(next_capital(bytes, 0), expected, "{bytes:?}");
        }
        let every: Vec<u8> = (0..=255).collect();
        let found: Vec<usize> =
            std::iter::successors(next_capital(&every, 0), |&at| next_capital(&every, at + 1)).collect();
        assert_eq!(found, (65..=90).collect::<Vec<usize>>());
    }

    /// Searched near month names, the dates regex finds what a search of the whole text finds,
    /// groups and all: checked on random texts of date parts, long gaps, lookalike words and
    /// letters outside ASCII.
    #[test]
    fn dates_near_months_are_the_dates_of_the_whole_text() {
        let (rules, _) = crate::pack::load(crate::pack::builtin(false), false);
        let calendar = rules.language.calendar;
        let months = Months::new(&calendar);
        assert!(months.finder.is_some());
        let regex = Regex::new(&dates_pattern(&calendar)).unwrap();
        let names: Vec<&str> = regex.capture_names().flatten().collect();
        let words = [
            "Jan", "January", "Jan.", "Sept.", "Sep", "Sept", "May", "March", "Market", "Junes", "Dec", "5",
            "31st", "3rd", "12", "2020", "20201", "of", "Thursday", "Thurs.", "Mon", "Sat.", "é", "x",
            "9/11",
        ];
        let gaps = [
            " ",
            ", ",
            "   ",
            "\n",
            "\u{a0}",
            "\x1F ",
            "",
            " \x1F,",
            "-",
            ".",
            "\u{2003}\u{2003}\u{2003}\u{2003}",
            "                    ",
        ];
        let mut random = crate::hash::Random::new(0xda7e_5eed);
        let mut dates = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..random.below(10) {
                text.push_str(words[random.below(words.len())]);
                text.push_str(gaps[random.below(gaps.len())]);
            }
            let groups = |caps: &Captures| -> Vec<Option<Range<usize>>> {
                std::iter::once(caps.get(0).map(|m| m.range()))
                    .chain(names.iter().map(|n| caps.name(n).map(|m| m.range())))
                    .collect()
            };
            let expected: Vec<_> = regex.captures_iter(&text).map(|c| groups(&c)).collect();
            let found: Vec<_> = months.captures(&regex, &text).iter().map(groups).collect();
            assert_eq!(found, expected, "{text:?}");
            dates += expected.len();
        }
        assert!(dates > 5_000, "only {dates} dates");
        // A weekday with a month in it, or a month or weekday of two words: the whole text is
        // searched.
        let mut odd = calendar.clone();
        odd.weekdays[0] = "Mayday".into();
        assert!(Months::new(&odd).finder.is_none());
        for (months, weekdays) in
            [(vec!["Tháng Một"], vec![]), (vec![], vec!["Thứ Hai"]), (vec!["Jan,"], vec![])]
        {
            let mut odd = calendar.clone();
            odd.months.iter_mut().zip(months).for_each(|(m, new)| *m = new.to_owned());
            odd.weekdays.iter_mut().zip(weekdays).for_each(|(w, new)| *w = new.to_owned());
            assert!(Months::new(&odd).finder.is_none(), "{:?} {:?}", odd.months[0], odd.weekdays[0]);
        }
    }

    /// The quick check of a story for a misspelt month passes every story in which the search
    /// finds one: checked on random texts of slips, months, names that look like them, and
    /// the words a date has around its month.
    #[test]
    fn the_quick_month_check_hides_no_finding() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.MonthSpelling").expect("the rule");
        let crate::kinds::Kind::Date(date) = &rule.kind else { panic!("a date rule") };
        let words = [
            "Janaury",
            "Febuary",
            "Feburary",
            "Septmber",
            "Setpember",
            "Ocotber",
            "Novmeber",
            "Decembr",
            "Agust",
            "Augst",
            "Marhc",
            "Julyy",
            "Apirl",
            "Aprill",
            "Janbary",
            "Octoper",
            "Decemver",
            "Augusy",
            "Apfil",
            "Sepxember",
            "Seqxember",
            "Novemqez",
            "January",
            "March",
            "Market",
            "Mayor",
            "Aprils",
            "Macy's",
            "Marching",
            "Decembre",
            "Octobers",
            "Sepember",
            "Januar",
            "JANAURY",
            "janaury",
            "Névember",
            "Ferbuary2",
            "_Janaury",
            "in",
            "since",
            "last",
            "early",
            "mid-",
            "3",
            "2020",
            "31",
            "the",
            "said",
            "Queen",
        ];
        let gaps = [" ", " ", " ", ", ", ". ", "\n\n", "-", "'s ", "  ", "'", "é", "’", "_", "3"];
        let mut random = crate::hash::Random::new(0x0c70_be75);
        let (mut found, mut passed) = (0, 0);
        for round in 0..9_000 {
            let mut text = String::new();
            for _ in 0..random.below(12) {
                text.push_str(words[random.below(words.len())]);
                text.push_str(gaps[random.below(gaps.len())]);
            }
            let parsed = crate::kinds::Parsed::new(&set, &text, Format::Text);
            let cx = parsed.context(rule.scope, round % 2 == 0);
            let (mut checked, mut searched) = (Vec::new(), Vec::new());
            date.misspelt_months(&cx, &mut checked);
            date.search_misspelt_months(&cx, &mut searched);
            assert_eq!(format!("{checked:?}"), format!("{searched:?}"), "{text:?}");
            found += checked.len();
            passed += usize::from(date.has_month_slip(&cx));
        }
        assert!(found > 500, "the texts have slips: {found} findings");
        assert!(passed < 7_500, "the quick check passes over some texts: {passed} of 9,000 searched");
    }

    /// [`may_slip`] tells what the first tests of `has_month_slip` tell asked one by one, for
    /// every capital with sixteen bytes after it, and nothing for one without.
    #[test]
    fn the_first_month_tests_without_branches_are_those_asked_one_by_one() {
        let set = crate::kinds::builtin();
        let rule = set.rule("News.MonthSpelling").expect("the rule");
        let crate::kinds::Kind::Date(date) = &rule.kind else { panic!("a date rule") };
        let three = date.slips.three.as_deref().expect("English months, three at most to a letter");
        let alphabet = b"JFMASONDQaeuirbcylmnptvz _-0.'";
        // And words near a month (or one), for capitals that pass.
        let slips: [&[u8]; 10] = [
            b"Janaury",
            b"Febuary",
            b"Sepember",
            b"Octber",
            b"Decmber",
            b"Augst",
            b"Marhc",
            b"Aprill",
            b"Novembre",
            b"June",
        ];
        let mut random = crate::hash::Random::new(0x005e_ed0f_5111);
        let mut checked = 0;
        for round in 0..3_000 {
            let (mut text, length) = (Vec::new(), random.below(60));
            while text.len() < length {
                if random.below(6) == 0 {
                    text.extend_from_slice(slips[random.below(slips.len())]);
                } else {
                    text.push(alphabet[random.below(alphabet.len())]);
                }
            }
            for i in (0..text.len()).filter(|&i| text[i].is_ascii_uppercase()) {
                let max_distance = 1 + round % 3;
                let run = text[i + 1..].iter().take_while(|b| b.is_ascii_lowercase()).count();
                let len = run + 1;
                let candidate = (5..=12).contains(&len)
                    && !text.get(i + len).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_');
                let limit = if len <= 6 { 1 } else { max_distance };
                let bits = letter_bits(&text[i + 1..i + len]);
                let near = date.slips.shapes[usize::from(text[i])].iter().any(|&(n, month)| {
                    n.abs_diff(len) <= limit && (bits & !month).count_ones() as usize <= limit
                });
                let expected = (i + 17 <= text.len()).then_some(candidate && near);
                assert_eq!(
                    may_slip(three, &text, i, max_distance),
                    expected,
                    "{:?} at {i}",
                    String::from_utf8_lossy(&text)
                );
                checked += usize::from(expected == Some(true));
            }
        }
        assert!(checked > 100, "some capitals pass the first tests: {checked}");
    }

    #[test]
    fn ordinal_suffixes() {
        let days: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|d| format!("{d}{}", ordinal_suffix(*d)))
            .collect();
        assert_eq!(
            days,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
        );
    }
}
