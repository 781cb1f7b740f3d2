//! `copydesk.toml`: a newsroom's settings, found from each checked file's directory upward (or
//! named with `--config`).
//!
//! ```toml
//! builtin = true                       # run the built-in News pack (default true)
//! rules = ["house-rules"]              # more rule directories, relative to this file
//! select = ["News", "Desk"]            # run only these rules or packs
//! ignore = ["News.LongSentence"]       # never run these
//! include = ["drafts/**"]              # a directory walk checks only these files
//! exclude = ["drafts/archive/**"]      # … and never these
//!
//! [levels]                             # a rule's level, or "off"
//! "News.DateStyle" = "warning"
//!
//! [style]
//! date = "reuters"                     # ap (default), reuters or guardian
//! prefer = ["defence", "ceasefire"]    # the form a consistency rule keeps
//! accept = ["Azeri oil"]               # text no rule flags
//! extend-abbreviations = ["Supt."]     # never the end of a sentence
//!
//! [[overrides]]                        # for some paths, relative to this file
//! files = ["opinion/**"]
//! ignore = ["News.Exclamation"]
//! levels = { "News.LongSentence" = "off" }
//! ```
//!
//! Every mistake is a problem with a caret in the file: unknown keys, wrong types, unknown
//! levels and date styles, rule ids or packs that no loaded rule has, and globs that match no file
//! under the configuration's directory. Problems stop the run (exit 2) before anything is
//! checked.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use glob::Pattern;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::RuleSet;
use crate::rule::covers;
use crate::toml_file::{self, Problem};

/// The names a configuration file may have, in the order they are looked for in a directory.
pub const FILE_NAMES: [&str; 2] = ["copydesk.toml", ".copydesk.toml"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Spec {
    builtin: Option<bool>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    levels: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    style: StyleSpec,
    #[serde(default)]
    overrides: Vec<OverrideSpec>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct StyleSpec {
    date: Option<Spanned<String>>,
    #[serde(default)]
    prefer: Vec<String>,
    #[serde(default)]
    accept: Vec<String>,
    #[serde(default)]
    extend_abbreviations: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideSpec {
    files: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    levels: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A newsroom's date style, which the date kind's `style` check follows over its rule file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// `Sept. 27`, `Oct. 3, 2020`: months with a day abbreviated, March to July spelled out.
    Ap,
    /// `September 27`, `October 3, 2020`: months spelled out.
    Reuters,
    /// `27 September 2020`: day first, months spelled out.
    Guardian,
}

impl DateStyle {
    pub fn name(self) -> &'static str {
        match self {
            DateStyle::Ap => "ap",
            DateStyle::Reuters => "reuters",
            DateStyle::Guardian => "guardian",
        }
    }
}

/// House-style parameters that rules read.
#[derive(Clone, Debug, Default)]
pub struct HouseStyle {
    pub date: Option<DateStyle>,
    /// Forms a consistency rule keeps when a story mixes two (`defence` over `defense`).
    pub prefer: Vec<String>,
    /// Text that no rule flags: a finding whose text is one of these (any case) is dropped.
    pub accept: Vec<String>,
    /// More abbreviations that never end a sentence.
    pub extend_abbreviations: Vec<String>,
}

/// A rule's level as configured: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// Settings for the files some globs match.
#[derive(Debug)]
pub struct Override {
    pub files: Vec<Pattern>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub levels: Vec<(String, Level)>,
}

/// One configuration file, read and checked.
#[derive(Debug)]
pub struct Config {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// Its directory, which relative paths and globs start from.
    pub dir: PathBuf,
    pub text: String,
    pub builtin: bool,
    pub rules: Vec<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub include: Vec<Pattern>,
    pub exclude: Vec<Pattern>,
    pub levels: Vec<(String, Level)>,
    pub style: HouseStyle,
    pub overrides: Vec<Override>,
    /// The top-level keys the file sets (for telling its settings from defaults).
    pub keys: Vec<String>,
    /// Every rule id and pack name the file mentions, with where, for checking against the
    /// rules once they are loaded.
    names: Vec<(String, Range<usize>)>,
    /// Every glob, with where, for checking that it matches a file.
    globs: Vec<(Pattern, Range<usize>)>,
}

/// Finds the configuration for a file: the first `copydesk.toml` (or `.copydesk.toml`) in its
/// directory or above.
pub fn find_for(file: &Path) -> Option<PathBuf> {
    let start = if file.is_dir() { file.to_owned() } else { file.parent()?.to_owned() };
    let start = if start.as_os_str().is_empty() { PathBuf::from(".") } else { start };
    let start = start.canonicalize().ok()?;
    let found =
        start.ancestors().find_map(|dir| FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()))?;
    // Shown as the user would type it: relative to the current directory when under it.
    let here = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    Some(here.and_then(|h| found.strip_prefix(&h).ok().map(Path::to_owned)).unwrap_or(found))
}

/// Parses a configuration file's text, reporting every mistake in it.
pub fn parse(path: &Path, text: String) -> (Option<Config>, Vec<Problem>) {
    let parsed = toml_file::parse::<Spec>(&text);
    let mut problems = parsed.problems;
    let Some(spec) = parsed.value else { return (None, problems) };
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_owned);
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    let mut names = Vec::new();
    let mut globs = Vec::new();
    let list = |items: &[Spanned<String>], names: &mut Vec<(String, Range<usize>)>| -> Vec<String> {
        for item in items {
            names.push((item.get_ref().clone(), item.span()));
        }
        items.iter().map(|i| i.get_ref().clone()).collect()
    };
    let select = list(&spec.select, &mut names);
    let ignore = list(&spec.ignore, &mut names);
    let mut compile_globs = |items: &[Spanned<String>], problems: &mut Vec<Problem>| -> Vec<Pattern> {
        let mut out = Vec::new();
        for item in items {
            match Pattern::new(item.get_ref()) {
                Ok(pattern) => {
                    globs.push((pattern.clone(), item.span()));
                    out.push(pattern);
                }
                Err(err) => {
                    problems.push(Problem::new(item.span(), format!("invalid glob: {}", err.msg), "here"))
                }
            }
        }
        out
    };
    let include = compile_globs(&spec.include, &mut problems);
    let exclude = compile_globs(&spec.exclude, &mut problems);
    let levels = read_levels(&spec.levels, &mut names, &mut problems);
    let mut overrides = Vec::new();
    for o in &spec.overrides {
        let files = compile_globs(&o.files, &mut problems);
        let select = list(&o.select, &mut names);
        let ignore = list(&o.ignore, &mut names);
        let levels = read_levels(&o.levels, &mut names, &mut problems);
        overrides.push(Override { files, select, ignore, levels });
    }
    let date = spec.style.date.as_ref().and_then(|d| match d.get_ref().as_str() {
        "ap" => Some(DateStyle::Ap),
        "reuters" => Some(DateStyle::Reuters),
        "guardian" => Some(DateStyle::Guardian),
        other => {
            problems.push(Problem::new(
                d.span(),
                format!("unknown date style `{other}`"),
                "expected `ap`, `reuters` or `guardian`",
            ));
            None
        }
    });
    for abbreviation in spec.style.extend_abbreviations.iter().filter(|a| !a.get_ref().ends_with('.')) {
        problems.push(Problem::new(
            abbreviation.span(),
            format!("`{}` has no full stop, so it can never end a sentence", abbreviation.get_ref()),
            "an abbreviation ends with `.`",
        ));
    }
    let style = HouseStyle {
        date,
        prefer: spec.style.prefer,
        accept: spec.style.accept,
        extend_abbreviations: spec.style.extend_abbreviations.iter().map(|a| a.get_ref().clone()).collect(),
    };
    let keys = text.parse::<toml::Table>().map(|t| t.keys().cloned().collect()).unwrap_or_default();
    let config = Config {
        keys,
        path: path.to_owned(),
        rules: spec.rules.iter().map(|r| dir.join(r.get_ref())).collect(),
        dir,
        text,
        builtin: spec.builtin.unwrap_or(true),
        select,
        ignore,
        include,
        exclude,
        levels,
        style,
        overrides,
        names,
        globs,
    };
    (Some(config), problems)
}

fn read_levels(
    table: &BTreeMap<Spanned<String>, Spanned<String>>,
    names: &mut Vec<(String, Range<usize>)>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Level)> {
    let mut out = Vec::new();
    for (rule, level) in table {
        names.push((rule.get_ref().clone(), rule.span()));
        let parsed = match level.get_ref().as_str() {
            "off" => Some(Level::Off),
            other => Severity::parse(other).map(Level::On),
        };
        match parsed {
            Some(l) => out.push((rule.get_ref().clone(), l)),
            None => problems.push(Problem::new(
                level.span(),
                format!("unknown level `{}`", level.get_ref()),
                "expected `error`, `warning`, `suggestion` or `off`",
            )),
        }
    }
    out
}

impl Config {
    /// Problems that need the loaded rules and the files on disk: rule ids and packs no rule
    /// has, and globs that match no file under the configuration's directory.
    pub fn check_against(&self, set: &RuleSet, files_here: &[PathBuf]) -> Vec<Problem> {
        let mut problems = Vec::new();
        let known = |name: &str| set.rules.iter().any(|r| r.id == name || r.pack == name);
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        for (name, span) in &self.names {
            if !known(name) {
                let mut problem =
                    Problem::new(span.clone(), format!("no rule or pack is named `{name}`"), "unknown");
                if let Some(best) = toml_file::closest(name, &ids) {
                    problem = problem.with_note(format!("help: did you mean `{best}`?"));
                }
                problems.push(problem);
            }
        }
        for (pattern, span) in &self.globs {
            if !files_here.iter().any(|f| self.matches(pattern, f)) {
                problems.push(Problem::new(
                    span.clone(),
                    format!("`{}` matches no file under {}", pattern.as_str(), self.dir.display()),
                    "matches nothing",
                ));
            }
        }
        problems
    }

    /// Whether a glob matches a file, by its path relative to the configuration's directory.
    fn matches(&self, pattern: &Pattern, file: &Path) -> bool {
        let relative = self.relative(file);
        let options = glob::MatchOptions { require_literal_separator: true, ..Default::default() };
        pattern.matches_path_with(&relative, options)
            || relative
                .ancestors()
                .skip(1)
                .any(|dir| !dir.as_os_str().is_empty() && pattern.matches_path_with(dir, options))
    }

    fn relative(&self, file: &Path) -> PathBuf {
        let absolute = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
        let (file, dir) = (absolute(file), absolute(&self.dir));
        file.strip_prefix(&dir).map_or(file.clone(), Path::to_owned)
    }

    /// Whether a file found by walking a directory is checked: it matches `include` (when
    /// given) and not `exclude`.
    pub fn walks_into(&self, file: &Path) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| self.matches(p, file)))
            && !self.exclude.iter().any(|p| self.matches(p, file))
    }

    /// The overrides that apply to a file, in file order.
    pub fn overrides_for<'c>(&'c self, file: &'c Path) -> impl Iterator<Item = &'c Override> + 'c {
        self.overrides.iter().filter(move |o| o.files.iter().any(|p| self.matches(p, file)))
    }
}

/// The levels in pack-then-rule order: a rule's own level wins over its pack's.
fn in_order(levels: &[(String, Level)]) -> impl Iterator<Item = &(String, Level)> {
    let by_pack = levels.iter().filter(|(name, _)| !name.contains('.'));
    by_pack.chain(levels.iter().filter(|(name, _)| name.contains('.')))
}

/// Sets the configured levels of the rules, and drops those turned off.
pub fn apply_levels(rules: &mut Vec<crate::rule::Rule>, levels: &[(String, Level)]) {
    let mut off = Vec::new();
    for (name, level) in in_order(levels) {
        for rule in rules.iter_mut().filter(|r| covers(name, &r.id)) {
            match level {
                Level::Off => off.push(rule.id.clone()),
                Level::On(severity) => {
                    off.retain(|id| *id != rule.id);
                    rule.level = *severity;
                }
            }
        }
    }
    rules.retain(|r| !off.contains(&r.id));
}

impl Config {
    /// A finding as the overrides for its file leave it: dropped when an override ignores its
    /// rule, leaves it out of its selection or turns it off; at the override's level.
    pub fn apply_overrides(&self, path: &Path, mut d: Diagnostic) -> Option<Diagnostic> {
        for o in self.overrides_for(path) {
            let names = |name: &String| covers(name, &d.rule);
            if o.ignore.iter().any(names) || (!o.select.is_empty() && !o.select.iter().any(names)) {
                return None;
            }
            for (name, level) in in_order(&o.levels) {
                if covers(name, &d.rule) {
                    match level {
                        Level::Off => return None,
                        Level::On(severity) => d.severity = *severity,
                    }
                }
            }
        }
        Some(d)
    }
}

/// A starter configuration, every setting commented, for `copydesk init`.
pub const STARTER: &str = r#"# copydesk configuration (the README's "Configuration" section explains every setting).
# The nearest copydesk.toml above an article applies to it, alone: a desk's own file replaces
# this one for the articles under it. Paths and globs are relative to this file.

# Run the built-in News pack.
builtin = true

# More rule directories (<Pack>/<Rule>.toml).
# rules = ["house-rules"]

# Run only these rules or packs, or leave some out.
# select = ["News"]
# ignore = ["News.LongSentence"]

# Which files a directory walk checks (default: every .md, .markdown and .txt).
# include = ["drafts/**"]
# exclude = ["drafts/archive/**"]

# A rule's level: error, warning, suggestion, or off.
[levels]
# "News.DateStyle" = "warning"

[style]
# The house date style: ap (Sept. 27), reuters (September 27) or guardian (27 September).
# date = "ap"
# The form to keep when a story mixes two spellings.
# prefer = ["defence", "ceasefire"]
# Text no rule flags.
# accept = ["Azeri oil"]
# Abbreviations that never end a sentence.
# extend-abbreviations = ["Supt.", "Insp."]

# Settings for some paths.
# [[overrides]]
# files = ["opinion/**"]
# ignore = ["News.Exclamation"]
# levels = { "News.LongSentence" = "off" }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_parses_without_problems() {
        let (config, problems) = parse(Path::new("copydesk.toml"), STARTER.to_owned());
        assert!(problems.is_empty(), "{problems:?}");
        let config = config.expect("parsed");
        assert!(config.builtin && config.levels.is_empty());
    }

    #[test]
    fn mistakes_are_problems_with_spans() {
        let text = "builtn = true\n[levels]\n\"News.Azeri\" = \"loud\"\n[style]\ndate = \"bbc\"\n";
        let (_, problems) = parse(Path::new("copydesk.toml"), text.to_owned());
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages, ["unknown key `builtn`", "unknown level `loud`", "unknown date style `bbc`"]);
        assert_eq!(&text[problems[1].span.clone()], "\"loud\"");
    }
}
