//! The command line: argument parsing and the four commands (`check`, `rules`, `explain`,
//! `test-rules`). This is the edge that touches the world: it reads files, writes stdout and
//! stderr, and picks the exit code (0 clean, 1 findings at or above the fail level, 2 a usage,
//! rule-file or I/O error). A closed stdout (`copydesk check … | head`) ends the run quietly.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::engine::RuleSet;
use crate::error::Error;
use crate::examples;
use crate::fix;
use crate::pack::{self, FileProblem};
use crate::render::{self, OutputFormat, Reporter};
use crate::source::Source;
use crate::toml_file;
use crate::walk::{self, Article, Input};
use crate::write;

#[derive(Parser)]
#[command(name = "copydesk", version, about = "An editorial style-and-accuracy linter for news copy")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check articles (files, directories, quoted globs, or `-` for stdin).
    Check(CheckArgs),
    /// List the rules: id, kind, level and description.
    Rules(RuleSourceArgs),
    /// Print a rule's description, rationale and examples.
    Explain {
        /// The rule id, such as `News.Azeri`.
        rule: String,
        #[command(flatten)]
        source: RuleSourceArgs,
    },
    /// Run the examples of the rules in a directory (the built-in rules when none is given).
    TestRules {
        /// A rules directory (`<Pack>/<Rule>.toml`) or one pack directory.
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
}

#[derive(Args)]
struct RuleSourceArgs {
    /// Add a directory of rules (`<Pack>/<Rule>.toml`); repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    no_default_rules: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Args)]
struct CheckArgs {
    /// Files, directories, quoted globs such as 'drafts/**/*.md', or `-` for stdin.
    #[arg(default_value = ".")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    #[command(flatten)]
    source: RuleSourceArgs,
    /// Run only these rules or packs (comma-separated ids or pack names).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not run these rules or packs.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// The lowest level shown.
    #[arg(long, value_enum, default_value_t = Severity::Suggestion)]
    level: Severity,
    /// The lowest level that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = Severity::Warning)]
    fail_level: Severity,
    /// The file name to report for stdin; its extension picks Markdown or plain text.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Apply the safe fixes of the findings shown and write the files (stdin: print the fixed
    /// text, and the findings left on stderr); then report what remains.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, apply the unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(source) => list_rules(&source),
        Command::Explain { rule, source } => explain(&rule, &source),
        Command::TestRules { dir, color } => test_rules(dir, color),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Error::Output(err)) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            report_error(&err);
            ExitCode::from(2)
        }
    }
}

fn report_error(err: &Error) {
    let _ = writeln!(io::stderr().lock(), "error: {err}");
}

/// Loads the built-in rules (unless switched off) and the given directories. Problems in rule
/// files are rendered to stderr and end the command (exit code 2) with a count of them.
fn load_rules(source: &RuleSourceArgs) -> Result<RuleSet, Error> {
    let files = read_rule_dirs(pack::builtin(!source.no_default_rules), &source.rules)?;
    let (set, problems) = pack::load(files, true);
    if problems.is_empty() {
        return Ok(set);
    }
    show_problems(&set, &problems, source.color)?;
    let files: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.file).collect();
    Err(Error::RuleFiles { problems: problems.len(), files: files.len() })
}

/// Adds the rule files of each directory to `files`; every unreadable directory or file is
/// reported, and the first becomes the error.
fn read_rule_dirs(mut files: Vec<pack::RuleFile>, dirs: &[PathBuf]) -> Result<Vec<pack::RuleFile>, Error> {
    let mut errors = Vec::new();
    for dir in dirs {
        let (found, failed) = pack::read_dir(dir);
        files.extend(found);
        errors.extend(failed);
    }
    let mut errors = errors.into_iter();
    let Some(first) = errors.next() else { return Ok(files) };
    errors.for_each(|e| report_error(&e));
    Err(first)
}

/// " (did you mean `News.Azeri`?)" for a name close to a known id, or to the name part of one.
fn did_you_mean(name: &str, ids: &[&str]) -> String {
    let same_name = ids.iter().find(|full| full.rsplit('.').next() == Some(name)).copied();
    same_name
        .or_else(|| toml_file::closest(name, ids))
        .map(|b| format!(" (did you mean `{b}`?)"))
        .unwrap_or_default()
}

fn show_problems(set: &RuleSet, problems: &[FileProblem], color: ColorChoice) -> Result<(), Error> {
    let color = color.enabled(io::stderr().is_terminal());
    render::write_problems(&mut io::stderr().lock(), &set.files, problems, color).map_err(Error::Output)
}

fn check(args: CheckArgs) -> Result<u8, Error> {
    let mut set = load_rules(&args.source)?;
    let all_ids: Vec<String> = set.rules.iter().map(|r| r.id.clone()).collect();
    // `--select 'News.A, News.B'`: names around the commas may carry spaces.
    let names = |list: &[String]| -> Vec<String> {
        list.iter().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
    };
    let unknown = set.select(&names(&args.select), &names(&args.ignore));
    if let Some(name) = unknown.first() {
        let ids: Vec<&str> = all_ids.iter().map(String::as_str).collect();
        let hint = did_you_mean(name, &ids);
        return Err(Error::Usage(format!("unknown rule or pack `{name}` in --select or --ignore{hint}")));
    }
    let (inputs, errors) = walk::expand(&args.paths);
    let mut had_error = !errors.is_empty();
    for err in &errors {
        report_error(err);
    }
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err(Error::Usage("--unsafe-fixes goes with --fix or --diff".into()));
    }
    let (min_level, fail_level) = (args.level, args.fail_level);
    // With --fix on stdin, stdout carries the fixed text, so the findings go to stderr.
    let fixing_stdin = args.fix && inputs.iter().any(|i| matches!(i, Input::Stdin));
    let color = args.source.color.enabled(if fixing_stdin {
        io::stderr().is_terminal()
    } else {
        io::stdout().is_terminal()
    });
    let out: Box<dyn Write> =
        if fixing_stdin { Box::new(io::stderr().lock()) } else { Box::new(io::stdout().lock()) };
    let rules = set
        .rules
        .iter()
        .map(|r| render::RuleInfo {
            id: r.id.clone(),
            description: r.description.clone(),
            rationale: r.rationale.clone(),
            link: r.link.clone(),
            level: r.level,
        })
        .collect();
    let mut reporter = Reporter::new(io::BufWriter::new(out), args.format, color).with_rules(rules);
    let accept = |d: &Diagnostic| {
        d.severity >= min_level
            && d.fix.as_ref().is_some_and(|f| args.unsafe_fixes || f.applicability == Applicability::Safe)
    };
    let mut failed = false;
    let (mut fixed_files, mut fixes) = (0, 0);
    if !args.diff {
        reporter.begin().map_err(Error::Output)?;
    }
    for input in &inputs {
        let article = match input {
            Input::Stdin => walk::read_stdin(args.stdin_filename.as_deref()),
            Input::File(path) => walk::read_file(path),
        };
        let mut source = match article {
            Ok(Article::Text(source)) => source,
            Ok(Article::Binary(path)) => {
                let _ = writeln!(
                    io::stderr().lock(),
                    "note: {}: skipped, not a text file (it has NUL bytes)",
                    path.display()
                );
                continue;
            }
            Err(err) => {
                report_error(&err);
                had_error = true;
                continue;
            }
        };
        if args.fix || args.diff {
            let fixed = fix::until_stable(&set, &source.text, source.format, accept);
            if args.diff {
                failed |= fixed.text != source.text;
                print_diff(&source, &fixed.text)?;
                continue;
            }
            let written = match input {
                Input::Stdin => io::stdout().lock().write_all(fixed.text.as_bytes()).map_err(Error::Output),
                Input::File(path) if fixed.applied > 0 => write::replace(path, &source.text, &fixed.text),
                Input::File(_) => Ok(()),
            };
            match written {
                Ok(()) if fixed.applied > 0 => {
                    fixed_files += 1;
                    fixes += fixed.applied;
                    source = Source::new(source.path, source.format, fixed.text);
                }
                Ok(()) => {}
                Err(err) => {
                    report_error(&err);
                    had_error = true;
                }
            }
        }
        let mut diagnostics = set.check(&source.text, source.format);
        diagnostics.retain(|d| d.severity >= min_level);
        failed |= diagnostics.iter().any(|d| d.severity >= fail_level);
        reporter.file(&source, &diagnostics).map_err(Error::Output)?;
    }
    if !args.diff {
        reporter.finish().map_err(Error::Output)?;
    }
    if args.fix {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let _ = writeln!(
            io::stderr().lock(),
            "Fixed {fixes} finding{} in {fixed_files} file{}.",
            plural(fixes),
            plural(fixed_files)
        );
    }
    Ok(if had_error { 2 } else { u8::from(failed) })
}

/// Prints the change fixing would make to an article as a unified diff (nothing when none).
fn print_diff(source: &Source, fixed: &str) -> Result<(), Error> {
    if fixed == source.text {
        return Ok(());
    }
    let path = source.display_path();
    let diff = similar::TextDiff::from_lines(source.text.as_str(), fixed);
    let mut out = io::stdout().lock();
    write!(out, "{}", diff.unified_diff().context_radius(3).header(&path, &path)).map_err(Error::Output)
}

fn list_rules(source: &RuleSourceArgs) -> Result<u8, Error> {
    let set = load_rules(source)?;
    let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = io::stdout().lock();
    for rule in &set.rules {
        writeln!(
            out,
            "{:width$}  {:14}  {:10}  {}",
            rule.id,
            rule.kind.name(),
            rule.level.as_str(),
            rule.description
        )
        .map_err(Error::Output)?;
    }
    Ok(0)
}

fn explain(id: &str, source: &RuleSourceArgs) -> Result<u8, Error> {
    let set = load_rules(source)?;
    let Some(rule) = set.rule(id) else {
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        let hint = did_you_mean(id, &ids);
        let more = if source.rules.is_empty() { "; a newsroom's own rules need `--rules DIR`" } else { "" };
        return Err(Error::Usage(format!("no rule `{id}`{hint}; `copydesk rules` lists them{more}")));
    };
    let mut text = format!("{} ({}, {})\n\n{}\n", rule.id, rule.kind.name(), rule.level, rule.description);
    if let Some(rationale) = &rule.rationale {
        text.push_str(&format!("\nWhy: {}\n", rationale.trim()));
    }
    if let Some(link) = &rule.link {
        text.push_str(&format!("\nMore: {link}\n"));
    }
    let file = &set.files[rule.file];
    if file.builtin {
        text.push_str(&format!("\nBuilt in ({} in the copydesk source)\n", file.path));
    } else {
        text.push_str(&format!("\nDefined in {}\n", file.path));
    }
    if !rule.examples.is_empty() {
        text.push_str("\nExamples:\n");
    }
    for example in &rule.examples {
        for (label, value) in [("bad", &example.bad), ("fixed", &example.fixed), ("good", &example.good)] {
            if let Some(value) = value {
                text.push_str(&format!("  {label:6} {}\n", value.get_ref().replace('\n', "\n         ")));
            }
        }
    }
    io::stdout().lock().write_all(text.as_bytes()).map_err(Error::Output)?;
    Ok(0)
}

fn test_rules(dir: Option<PathBuf>, color: ColorChoice) -> Result<u8, Error> {
    let files = read_rule_dirs(pack::builtin(dir.is_none()), dir.as_slice())?;
    let (set, mut problems) = pack::load(files, false);
    let broken: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.file).collect();
    let tested: Vec<_> = set.rules.iter().filter(|r| dir.is_none() || !set.files[r.file].builtin).collect();
    let mut failed_rules = 0;
    let mut examples_run = 0;
    for rule in &tested {
        examples_run += rule.examples.len();
        let found = examples::verify(&set, rule);
        if !found.is_empty() {
            failed_rules += 1;
        }
        problems.extend(found.into_iter().map(|problem| FileProblem { file: rule.file, problem }));
    }
    problems.sort_by_key(|p| (p.file, p.problem.span.start));
    show_problems(&set, &problems, color)?;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut verdict = Vec::new();
    if failed_rules > 0 {
        verdict.push(format!("{} failed", plural(failed_rules, "rule")));
    }
    if !broken.is_empty() {
        verdict.push(format!("{} did not load", plural(broken.len(), "file")));
    }
    if verdict.is_empty() {
        verdict.push("all pass".to_owned());
    }
    writeln!(
        io::stdout().lock(),
        "tested {} with {}: {}",
        plural(tested.len(), "rule"),
        plural(examples_run, "example"),
        verdict.join(", ")
    )
    .map_err(Error::Output)?;
    Ok(if !broken.is_empty() { 2 } else { u8::from(failed_rules > 0) })
}
