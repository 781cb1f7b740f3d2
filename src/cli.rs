//! The command line: argument parsing and the four commands (`check`, `rules`, `explain`,
//! `test-rules`). This is the edge that touches the world: it reads files, writes stdout and
//! stderr, and picks the exit code (0 clean, 1 findings at or above the fail level, 2 a usage,
//! rule-file or I/O error). A closed stdout (`copydesk check … | head`) ends the run quietly,
//! with the status of what had been found by then.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::changed;
use crate::config::{self, Config, Level};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::engine::RuleSet;
use crate::error::Error;
use crate::examples;
use crate::fix;
use crate::pack::{self, FileProblem};
use crate::render::{self, OutputFormat, Reporter};
use crate::source::{Format, Source};
use crate::toml_file::{self, Problem};
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
    /// Write a commented starter `copydesk.toml` in the current directory.
    Init,
    /// Print the configuration that applies to a path, and which file set each part of it.
    Config {
        /// The article or directory (the current directory when none is given).
        path: Option<PathBuf>,
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

#[derive(Args, Clone)]
struct RuleSourceArgs {
    /// Add a directory of rules (`<Pack>/<Rule>.toml`); repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    no_default_rules: bool,
    /// Use this configuration file for every article, instead of the `copydesk.toml` found
    /// from each article's directory upward.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    no_config: bool,
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
    /// Report only findings on lines that changed since this git revision (the working tree
    /// against REV); files git does not track count as new.
    #[arg(long, value_name = "REV")]
    diff_base: Option<String>,
    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Apply the configuration's include and exclude to files named on the command line too
    /// (for hooks that pass every changed file).
    #[arg(long)]
    force_exclude: bool,
    /// Check files on this many threads (default, or 0: one per core). More threads than cores
    /// only add overhead; loading the rules uses every core whatever this says.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// After the run, print on stderr how long loading the rules took and the time each rule
    /// spent checking, slowest first (summed over threads).
    #[arg(long)]
    timings: bool,
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
        Command::Init => init(),
        Command::Config { path, source } => show_config(path.as_deref(), &source),
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

/// Runs `load` with a buffer for what it reports, then writes that to stderr ([`reported`]).
fn reporting<T>(load: impl FnOnce(&mut Vec<u8>) -> Result<T, Error>) -> Result<T, Error> {
    let mut buffer = Vec::new();
    let result = load(&mut buffer);
    reported(&buffer, result)
}

/// Writes to stderr what loading rules reported, and gives back what loading gave; rule-file
/// problems that stderr cannot take (a closed pipe) end the run as any failed output does,
/// as when they were written as they were found.
fn reported<T>(buffer: &[u8], result: Result<T, Error>) -> Result<T, Error> {
    let written = io::stderr().lock().write_all(buffer);
    match (result, written) {
        (Err(Error::RuleFiles { .. }), Err(err)) => Err(Error::Output(err)),
        (result, _) => result,
    }
}

/// The configuration of the first path, loaded while the paths are walked ([`check_with`]).
struct Guessed {
    profile: Result<Profile, Error>,
    /// What loading it reported, written only if it is used.
    reported: Vec<u8>,
    /// How long loading it took (not building its prefilter).
    took: std::time::Duration,
}

/// Loads the rules for the commands that look at one rule set (`rules`, `explain`): the
/// configuration of the current directory applies.
fn load_rules(source: &RuleSourceArgs) -> Result<RuleSet, Error> {
    let config = config_path(source, Path::new("."));
    Ok(load_profile(source, config.as_deref())?.set)
}

/// The configuration file that applies to a path: `--config`, none with `--no-config`, or the
/// nearest `copydesk.toml` above it.
fn config_path(source: &RuleSourceArgs, path: &Path) -> Option<PathBuf> {
    if source.no_config {
        return None;
    }
    source.config.clone().or_else(|| config::find_for(path))
}

/// A configuration and the rules it runs.
struct Profile {
    config: Option<Config>,
    set: RuleSet,
}

/// Reads a configuration (when there is one) and loads the rules it asks for: built-in rules
/// unless switched off, the command line's and the configuration's rule directories, with its
/// house style; then its selection and levels. Every mistake in the configuration or a rule file
/// is rendered to stderr and ends the command (exit 2).
fn load_profile(source: &RuleSourceArgs, config_path: Option<&Path>) -> Result<Profile, Error> {
    reporting(|reported| load_profile_with(source, config_path, true, reported))
}

/// [`load_profile`], applying the configuration's selection and levels only when `select`, and
/// writing what it reports to `reported`, not to stderr.
fn load_profile_with(
    source: &RuleSourceArgs,
    config_path: Option<&Path>,
    select: bool,
    reported: &mut Vec<u8>,
) -> Result<Profile, Error> {
    let config = match config_path {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Read { path: path.to_owned(), source: e })?;
            let (config, problems) = config::parse(path, text.clone());
            match config {
                Some(config) => Some((config, problems)),
                None => return Err(config_problems(path, &text, problems, source.color, reported)),
            }
        }
    };
    // Problems that need the rules loaded are reported with the file's others, all at once.
    let (config, mut config_problems_found) = match config {
        Some((config, problems)) => (Some(config), problems),
        None => (None, Vec::new()),
    };
    let builtin = !source.no_default_rules && config.as_ref().is_none_or(|c| c.builtin);
    let mut dirs = source.rules.clone();
    dirs.extend(config.iter().flat_map(|c| c.rules.iter().cloned()));
    let files = read_rule_dirs(pack::builtin(builtin), &dirs, reported)?;
    let house = config.as_ref().map(|c| c.style.clone()).unwrap_or_default();
    let (mut set, problems) = pack::load_with(files, true, house);
    if !problems.is_empty() {
        show_problems(&set, &problems, source.color, reported)?;
        let files: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.file).collect();
        return Err(Error::RuleFiles { problems: problems.len(), files: files.len() });
    }
    if let Some(config) = &config {
        config_problems_found.extend(config.check_against(&set, &walk::all_files(&config.dir)));
        if !config_problems_found.is_empty() {
            config_problems_found.sort_by_key(|p| (p.span.start, p.span.end));
            return Err(config_problems(
                &config.path,
                &config.text,
                config_problems_found,
                source.color,
                reported,
            ));
        }
        if select {
            set.select(&config.select, &config.ignore);
            config::apply_levels(&mut set.rules, &config.levels);
        }
    }
    Ok(Profile { config, set })
}

/// Renders problems in a configuration file against it and returns the error that ends the run.
fn config_problems(
    path: &Path,
    text: &str,
    problems: Vec<Problem>,
    color: ColorChoice,
    reported: &mut impl Write,
) -> Error {
    let file = pack::RuleFile {
        path: path.display().to_string(),
        pack: String::new(),
        name: "copydesk".into(),
        text: text.to_owned(),
        builtin: false,
    };
    let count = problems.len();
    let problems: Vec<FileProblem> =
        problems.into_iter().map(|problem| FileProblem { file: 0, problem }).collect();
    let color = color.enabled(io::stderr().is_terminal());
    let _ = render::write_problems(reported, &[file], &problems, color);
    Error::ConfigFile { path: path.to_owned(), problems: count }
}

/// Adds the rule files of each directory to `files`; every unreadable directory or file is
/// reported, and the first becomes the error.
fn read_rule_dirs(
    mut files: Vec<pack::RuleFile>,
    dirs: &[PathBuf],
    reported: &mut impl Write,
) -> Result<Vec<pack::RuleFile>, Error> {
    let mut errors = Vec::new();
    for dir in dirs {
        let (found, failed) = pack::read_dir(dir);
        files.extend(found);
        errors.extend(failed);
    }
    let mut errors = errors.into_iter();
    let Some(first) = errors.next() else { return Ok(files) };
    errors.for_each(|e| {
        let _ = writeln!(reported, "error: {e}");
    });
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

fn show_problems(
    set: &RuleSet,
    problems: &[FileProblem],
    color: ColorChoice,
    reported: &mut impl Write,
) -> Result<(), Error> {
    let color = color.enabled(io::stderr().is_terminal());
    render::write_problems(reported, &set.files, problems, color).map_err(Error::Output)
}

fn check(args: CheckArgs) -> Result<u8, Error> {
    // With --fix on stdin, stdout must carry the text whatever happens: an editor pipes its
    // buffer through copydesk and takes back what comes out. So stdin is read first, and given
    // back unchanged on every path that does not fix it.
    if !(args.fix && args.paths.iter().any(|p| p == "-")) {
        return check_with(&args, None);
    }
    let bytes = walk::read_stdin_bytes(args.stdin_filename.as_deref())?;
    let result = check_with(&args, Some(&bytes));
    if result.is_err() {
        let _ = io::stdout().lock().write_all(&bytes);
    }
    result
}

/// `check`, with stdin already read when it is being fixed.
fn check_with(args: &CheckArgs, stdin: Option<&[u8]>) -> Result<u8, Error> {
    // The configuration of the first path is loaded (with its rules, and the prefilter of a
    // run over many files) while the paths are walked: a directory of many files takes tens of
    // milliseconds to walk, with a core to spare. It is used, and what loading it reported
    // written, if it is some article's configuration; otherwise it is dropped, unreported.
    let guess =
        args.paths.first().map(Path::new).filter(|p| p.exists()).map(|p| config_path(&args.source, p));
    let walked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
    let loading = guess.clone().and_then(|config| {
        let (source, walked) = (args.source.clone(), std::sync::Arc::clone(&walked));
        let load = move || {
            let started = std::time::Instant::now();
            let mut reported = Vec::new();
            let profile = load_profile_with(&source, config.as_deref(), true, &mut reported);
            let took = started.elapsed();
            if let Ok(profile) = &profile {
                let walking = || walked.load(std::sync::atomic::Ordering::Relaxed) == usize::MAX;
                profile.set.prepare(walked.load(std::sync::atomic::Ordering::Relaxed));
                // The rest of the walk would be waited for: time to compile regexes in.
                profile.set.compile_while(walking);
            }
            Guessed { profile, reported, took }
        };
        std::thread::Builder::new().spawn(load).ok()
    });
    let (inputs, errors) = walk::expand(&args.paths);
    walked.store(inputs.len(), std::sync::atomic::Ordering::Relaxed);
    let mut had_error = !errors.is_empty();
    for err in &errors {
        report_error(err);
    }
    // `--select 'News.A, News.B'`: names around the commas may carry spaces.
    let names = |list: &[String]| -> Vec<String> {
        list.iter().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
    };
    let (select, ignore) = (names(&args.select), names(&args.ignore));
    // Each article's configuration, and the rules of each configuration, loaded before anything
    // is checked, so that a mistake in any of them stops the run first.
    let stdin_path = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut config_paths: Vec<Option<PathBuf>> = Vec::new();
    let mut assigned: Vec<usize> = Vec::new();
    // Files of one directory share its configuration: it is looked up once per directory, and
    // each file takes its index (no path is copied or compared for it).
    let mut by_directory: crate::hash::Map<PathBuf, usize> = crate::hash::Map::default();
    let mut index_of = |config: Option<PathBuf>| {
        config_paths.iter().position(|c| *c == config).unwrap_or_else(|| {
            config_paths.push(config);
            config_paths.len() - 1
        })
    };
    for input in &inputs {
        let path = match input {
            Input::Stdin => stdin_path.as_path(),
            Input::File(path, _) => path.as_path(),
        };
        let index = match (input, path.parent()) {
            (Input::File(..), Some(dir)) => match by_directory.get(dir) {
                Some(&index) => index,
                None => {
                    let index = index_of(config_path(&args.source, path));
                    by_directory.insert(dir.to_owned(), index);
                    index
                }
            },
            _ => index_of(config_path(&args.source, path)),
        };
        assigned.push(index);
    }
    if config_paths.is_empty() {
        config_paths.push(config_path(&args.source, Path::new(".")));
    }
    // The guessed configuration is waited for only if some article has it: one no article has
    // is left to load on its own, unreported, and never holds the run up.
    let mut loading = loading.filter(|_| guess.as_ref().is_some_and(|guess| config_paths.contains(guess)));
    // How long the rules took to load (not to be waited for, nor the prefilter's building).
    let mut loaded_in = std::time::Duration::ZERO;
    let mut profiles = Vec::new();
    for path in &config_paths {
        let profile = match loading.take_if(|_| guess.as_ref() == Some(path)) {
            Some(handle) => {
                // A panic while loading is the run's, as it was when the rules loaded here.
                let guessed = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                loaded_in += guessed.took;
                reported(&guessed.reported, guessed.profile)?
            }
            None => {
                let started = std::time::Instant::now();
                let profile = load_profile(&args.source, path.as_deref())?;
                loaded_in += started.elapsed();
                profile
            }
        };
        profiles.push(profile);
    }
    // A name on the command line must be a rule or pack that some configuration loaded (even
    // one it turned off); each configuration then runs what it has of them.
    let loaded = |name: &String| {
        profiles.iter().any(|p| {
            p.set.loaded.iter().any(|n| n == name)
                || p.set.rules.iter().any(|r| r.id == *name || r.pack == *name)
        })
    };
    if let Some(name) = select.iter().chain(&ignore).find(|n| !loaded(n)) {
        let ids: Vec<&str> =
            profiles.iter().flat_map(|p| p.set.rules.iter().map(|r| r.id.as_str())).collect();
        let hint = did_you_mean(name, &ids);
        return Err(Error::Usage(format!("unknown rule or pack `{name}` in --select or --ignore{hint}")));
    }
    // `--threads 0`, like no `--threads`, is one thread per core.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = args.threads.filter(|&n| n > 0).unwrap_or(cores);
    for profile in &mut profiles {
        profile.set.select(&select, &ignore);
        profile.set.expect_run(inputs.len(), threads);
        if args.timings {
            profile.set.time_rules();
        }
    }
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err(Error::Usage("--unsafe-fixes goes with --fix or --diff".into()));
    }
    if args.diff && args.write_baseline.is_some() {
        return Err(Error::Usage("--write-baseline records findings; --diff reports none".into()));
    }
    let changes = match &args.diff_base {
        Some(rev) => Some(changed::Changes::since(rev, Path::new("."))?),
        None => None,
    };
    let mut baseline = match &args.baseline {
        Some(path) => Some(baseline::Baseline::read(path)?),
        None => None,
    };
    let mut recorded: Vec<baseline::Entry> = Vec::new();
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
    // The formats that describe rules list every rule any configuration runs.
    let mut rules: Vec<render::RuleInfo> = Vec::new();
    for rule in profiles.iter().flat_map(|p| &p.set.rules) {
        if rules.iter().any(|r| r.id == rule.id) {
            continue;
        }
        rules.push(render::RuleInfo {
            id: rule.id.clone(),
            description: rule.description.clone(),
            rationale: rule.rationale.clone(),
            link: rule.link.clone(),
            level: rule.level,
        });
    }
    let mut reporter = Reporter::new(io::BufWriter::new(out), args.format, color).with_rules(rules);
    let named = walk::Named::new(&args.paths);
    let mut failed = false;
    let (mut fixed_files, mut fixes) = (0, 0);
    if !args.diff {
        reporter.begin().map_err(Error::Output)?;
    }
    // Files are checked in parallel and written in order: output is the same with any number of
    // threads, and memory holds a window of files, not the run.
    // The workers ask the baseline what it knows (to leave known findings unfixed); the writer
    // consumes its own copy, entry by entry.
    let known = baseline.clone();
    let job = Job {
        args,
        stdin,
        named: &named,
        changes: changes.as_ref(),
        baseline: known.as_ref(),
        profiles: &profiles,
    };
    let work: Vec<(&Input, usize)> = inputs.iter().zip(assigned.iter().copied()).collect();
    let mut progress = Progress::new(work.len());
    // A few files at a time to each thread, checked together, while there are enough for every
    // thread to have several such chunks: as many as fill a batch, at the size of the files of
    // the chunk checked last (one at first), so that a run of long files holds one at a time.
    let most = BATCH_FILES.min(work.len() / (4 * threads.max(1))).max(1);
    let chunk = std::sync::atomic::AtomicUsize::new(1);
    let ordered = Ordered::new(&work, &chunk, |items: &[(&Input, usize)]| {
        let (outcomes, bytes) = job.check_many(items);
        // The files worked on: all of the chunk, or those before a hand-over.
        chunk.store(next_chunk(bytes, outcomes.len(), most), std::sync::atomic::Ordering::Relaxed);
        outcomes
    });
    let reported = std::thread::scope(|scope| -> Result<(), Error> {
        // This thread works too, as it takes the results.
        // At most one thread per file, and as many as the system gives: a thread that cannot be
        // started leaves the work to the others.
        for _ in 1..threads.min(work.len()) {
            if std::thread::Builder::new().spawn_scoped(scope, || ordered.worker()).is_err() {
                break;
            }
        }
        // Workers stop when this returns, early on an error included.
        let _stop = ordered.stop_on_drop();
        for (i, &(input, _)) in work.iter().enumerate() {
            let outcome = ordered.take(i);
            let (source, mut diagnostics) = match outcome {
                Outcome::Skipped => {
                    progress.add(0);
                    continue;
                }
                Outcome::NotAnArticle { error, note } => {
                    progress.add(0);
                    progress.clear();
                    if let Some(err) = &error {
                        report_error(err);
                    }
                    if let Some(note) = note {
                        let _ = writeln!(io::stderr().lock(), "{note}");
                    }
                    // Stdin being fixed that cannot be read as an article goes back unchanged,
                    // and the run fails (exit 2), so an editor keeps its buffer and knows.
                    if let (Input::Stdin, Some(bytes)) = (input, stdin) {
                        let _ = io::stdout().lock().write_all(bytes);
                        had_error = true;
                    }
                    had_error |= error.is_some();
                    continue;
                }
                Outcome::Diff { source, fixed } => {
                    failed |= fixed != source.text;
                    print_diff(&source, &fixed)?;
                    continue;
                }
                Outcome::Checked { source, diagnostics, fixed } => {
                    if let Some(fixed) = fixed {
                        if let Input::Stdin = input {
                            io::stdout().lock().write_all(fixed.text.as_bytes()).map_err(Error::Output)?;
                        }
                        match fixed.written {
                            Ok(true) => {
                                fixed_files += 1;
                                fixes += fixed.applied;
                            }
                            Ok(false) => {}
                            Err(err) => {
                                progress.clear();
                                report_error(&err);
                                had_error = true;
                            }
                        }
                    }
                    (source, diagnostics)
                }
            };
            progress.add(source.text.len());
            // A baseline being written records every finding, known ones included, so that
            // `--baseline b.json --write-baseline b.json` updates it.
            if args.write_baseline.is_some() {
                recorded.extend(diagnostics.iter().map(|d| baseline::entry(&source, d)));
            }
            if let Some(baseline) = &mut baseline {
                baseline.filter(&source, &mut diagnostics);
            }
            diagnostics.retain(|d| d.severity >= min_level);
            failed |= diagnostics.iter().any(|d| d.severity >= fail_level);
            reporter.file(&source, &diagnostics).map_err(Error::Output)?;
            progress.show();
        }
        Ok(())
    });
    // A reader that has seen enough (`| head`) ends the run quietly; the status still says
    // whether what was found up to then fails it, for a pipeline under `set -o pipefail`.
    let closed = |err: &io::Error| err.kind() == io::ErrorKind::BrokenPipe;
    if let Err(Error::Output(err)) = &reported {
        if closed(err) {
            progress.clear();
            return Ok(if had_error { 2 } else { u8::from(failed) });
        }
    }
    reported?;
    progress.clear();
    // Every file was checked: a reader gone before the end (the report is buffered, so most
    // often it is found out here) changes nothing else the run does.
    if !args.diff {
        match reporter.finish() {
            Err(err) if closed(&err) => {}
            done => done.map_err(Error::Output)?,
        }
    }
    if args.timings {
        print_timings(loaded_in, &profiles);
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
    if let Some(path) = &args.write_baseline {
        let count = recorded.len();
        write::create(path, &baseline::render(recorded))?;
        let plural = if count == 1 { "" } else { "s" };
        let _ = writeln!(io::stderr().lock(), "Recorded {count} finding{plural} in {}.", path.display());
        failed = false;
    }
    // The process ends when the run does: the rules (regexes, automata and their caches, in many
    // thousands of allocations) and the list of paths are left for the operating system to take
    // back whole, not freed piece by piece after the report is out (about 10 ms of a run over
    // the corpus: docs/performance.md, step 112).
    std::mem::forget(profiles);
    std::mem::forget(inputs);
    Ok(if had_error { 2 } else { u8::from(failed) })
}

/// `--timings`: rule loading, then each rule's checking time, slowest first.
fn print_timings(loaded_in: std::time::Duration, profiles: &[Profile]) {
    let mut err = io::stderr().lock();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let _ = writeln!(err, "{:>10.1} ms  loading rules", ms(loaded_in));
    let mut times: Vec<(String, std::time::Duration)> = Vec::new();
    for (id, time) in profiles.iter().flat_map(|p| p.set.rule_times()) {
        match times.iter_mut().find(|(known, _)| *known == id) {
            Some((_, total)) => *total += time,
            None => times.push((id, time)),
        }
    }
    times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: std::time::Duration = times.iter().map(|(_, t)| *t).sum();
    for (id, time) in &times {
        let share = if total.is_zero() { 0.0 } else { time.as_secs_f64() / total.as_secs_f64() * 100.0 };
        let _ = writeln!(err, "{:>10.1} ms  {share:>5.1}%  {id}", ms(*time));
    }
}

/// What the files of a run share while they are checked in parallel.
struct Job<'a> {
    args: &'a CheckArgs,
    stdin: Option<&'a [u8]>,
    named: &'a walk::Named,
    changes: Option<&'a changed::Changes>,
    baseline: Option<&'a baseline::Baseline>,
    profiles: &'a [Profile],
}

/// What checking one input gave, before anything is written.
enum Outcome {
    /// Left out by the configuration's include or exclude.
    Skipped,
    /// Not read as an article: an error, or a note (a binary file).
    NotAnArticle { error: Option<Error>, note: Option<String> },
    /// `--diff`: the article and its fixed text.
    Diff { source: Source, fixed: String },
    /// The article (fixed, with `--fix`) and its findings (after the configuration's overrides
    /// and the changed lines, before the level and the baseline, which the writer applies).
    Checked { source: Source, diagnostics: Vec<Diagnostic>, fixed: Option<FixedFile> },
}

/// What `--fix` did to one article.
struct FixedFile {
    text: String,
    applied: usize,
    /// Whether the file was rewritten (stdin: whether the text given back differs).
    written: Result<bool, Error>,
}

impl Job<'_> {
    /// Reads, fixes and checks inputs in order; several at once, each phase of the rules over
    /// them all ([`RuleSet::check_batch`]), when they are checked and not fixed. Articles are
    /// read as the batch they join is checked: a batch holds [`BATCH_BYTES`] of them at most
    /// (or one longer article). The outcomes of the first inputs, at least one: past
    /// [`HANDED_OVER`] bytes read, the rest are left. Also gives the bytes read, for the size
    /// of the next chunk.
    fn check_many(&self, items: &[(&Input, usize)]) -> (Vec<Outcome>, usize) {
        let weigh = |outcome: &Outcome| match outcome {
            Outcome::Checked { source, .. } | Outcome::Diff { source, .. } => source.text.len(),
            _ => 0,
        };
        if self.args.fix || self.args.diff || items.len() == 1 {
            // One at a time, handed over past a few long articles too.
            let (mut outcomes, mut bytes) = (Vec::new(), 0);
            for &(input, profile) in items {
                if bytes > HANDED_OVER {
                    break;
                }
                let outcome = self.check_one(input, profile);
                bytes += weigh(&outcome);
                outcomes.push(outcome);
            }
            return (outcomes, bytes);
        }
        let mut outcomes: Vec<Option<Outcome>> = items.iter().map(|_| None).collect();
        // The batch being filled: the articles read, with their places in `items`, under one
        // profile.
        let mut batch: Vec<(usize, Source)> = Vec::new();
        let (mut batched, mut bytes) = (0, 0);
        let check = |batch: &mut Vec<(usize, Source)>, outcomes: &mut Vec<Option<Outcome>>| {
            let Some(&(first, _)) = batch.first() else { return };
            let profile = items[first].1;
            let texts: Vec<(&str, Format)> = batch.iter().map(|(_, s)| (s.text.as_str(), s.format)).collect();
            let found = self.profiles[profile].set.check_batch(&texts);
            for ((k, source), diagnostics) in batch.drain(..).zip(found) {
                outcomes[k] = Some(self.checked(source, profile, diagnostics, None));
            }
        };
        for (k, &(input, profile)) in items.iter().enumerate() {
            // Past a few long articles, what is checked is handed over (the writer can write
            // it), and the rest of the chunk is left to be taken again.
            if bytes > HANDED_OVER && batch.is_empty() {
                outcomes.truncate(k);
                break;
            }
            let source = match self.read(input, profile) {
                Ok(source) => source,
                Err(outcome) => {
                    outcomes[k] = Some(*outcome);
                    continue;
                }
            };
            let length = source.text.len();
            bytes += length;
            // An article that does not fit the batch (another profile, or too long) closes it.
            if batch.first().is_some_and(|&(j, _)| items[j].1 != profile || batched + length > BATCH_BYTES) {
                check(&mut batch, &mut outcomes);
                batched = 0;
            }
            batch.push((k, source));
            batched += length;
            if batched > BATCH_BYTES {
                check(&mut batch, &mut outcomes);
                batched = 0;
            }
        }
        check(&mut batch, &mut outcomes);
        (outcomes.into_iter().map(|o| o.expect("every input has an outcome")).collect(), bytes)
    }

    /// Reads one input, unless the configuration leaves it out or it is no article.
    fn read(&self, input: &Input, profile: usize) -> Result<Source, Box<Outcome>> {
        let args = self.args;
        let Profile { config, .. } = &self.profiles[profile];
        // A configuration's include and exclude say which files a directory walk checks.
        if let (Input::File(path, _), Some(config)) = (input, config) {
            if (args.force_exclude || !self.named.contains(path)) && !config.walks_into(path) {
                return Err(Box::new(Outcome::Skipped));
            }
        }
        let article = match (input, self.stdin) {
            (Input::Stdin, Some(bytes)) => {
                walk::stdin_article(args.stdin_filename.as_deref(), bytes.to_vec())
            }
            (Input::Stdin, None) => walk::read_stdin(args.stdin_filename.as_deref()),
            (Input::File(path, walked), _) => walk::read_file(path, *walked),
        };
        match article {
            Ok(Article::Text(source)) => Ok(source),
            Ok(Article::Binary(path)) => {
                let note = format!("note: {}: skipped, not a text file (it has NUL bytes)", path.display());
                Err(Box::new(Outcome::NotAnArticle { error: None, note: Some(note) }))
            }
            Err(err) => Err(Box::new(Outcome::NotAnArticle { error: Some(err), note: None })),
        }
    }

    /// Reads, fixes and checks one input.
    fn check_one(&self, input: &Input, profile: usize) -> Outcome {
        let args = self.args;
        let Profile { config, set } = &self.profiles[profile];
        let mut source = match self.read(input, profile) {
            Ok(source) => source,
            Err(outcome) => return *outcome,
        };
        let overrides = |d: Diagnostic| override_diagnostic(config.as_ref(), &source.path, d);
        let mut fixed_file = None;
        if args.fix || args.diff {
            // Changed lines and baseline entries are read off the article as it is on disk, so
            // with either, one pass: later passes' findings sit in text that has moved.
            let passes = if self.changes.is_some() || self.baseline.is_some() { 1 } else { fix::MAX_PASSES };
            let shown_as = source.display_path();
            let accept = |text: &str, d: &Diagnostic| {
                let fixable = d
                    .fix
                    .as_ref()
                    .is_some_and(|f| args.unsafe_fixes || f.applicability == Applicability::Safe);
                let known = self.baseline.is_some_and(|b| b.knows(&baseline::entry_at(&shown_as, text, d)));
                fixable
                    && !known
                    && overrides(d.clone()).is_some_and(|d| d.severity >= args.level)
                    && self.on_changed_lines(&source, d)
            };
            let fixed = fix::until_stable(set, &source.text, source.format, passes, accept);
            if args.diff {
                return Outcome::Diff { source, fixed: fixed.text };
            }
            let changed = fixed.text != source.text;
            // Whether the article changed where it lives: the file rewritten, or stdin given back
            // fixed (by the writer, in order).
            let written = match input {
                Input::File(path, _) if changed => {
                    write::replace(path, &source.text, &fixed.text).map(|()| true)
                }
                Input::File(..) => Ok(false),
                Input::Stdin => Ok(changed),
            };
            if matches!(written, Ok(true)) || matches!(input, Input::Stdin) {
                source = Source::new(source.path, source.format, fixed.text.clone());
            }
            fixed_file = Some(FixedFile { text: fixed.text, applied: fixed.applied, written });
        }
        let diagnostics = set.check(&source.text, source.format);
        self.checked(source, profile, diagnostics, fixed_file)
    }

    /// The outcome of checking `source`, given its findings.
    fn checked(
        &self,
        source: Source,
        profile: usize,
        diagnostics: Vec<Diagnostic>,
        fixed: Option<FixedFile>,
    ) -> Outcome {
        let config = &self.profiles[profile].config;
        let diagnostics = diagnostics
            .into_iter()
            .filter_map(|d| override_diagnostic(config.as_ref(), &source.path, d))
            .filter(|d| self.on_changed_lines(&source, d))
            .collect();
        Outcome::Checked { source, diagnostics, fixed }
    }

    /// With --diff-base, whether a finding's lines hold a change.
    fn on_changed_lines(&self, source: &Source, d: &Diagnostic) -> bool {
        let Some(changes) = self.changes else { return true };
        if source.path.as_os_str() == "<stdin>" || !changes.covers(&source.path) {
            return true;
        }
        let last_byte = d.range.end.saturating_sub(1).max(d.range.start);
        let first = source.lines.position(&source.text, d.range.start).line;
        let last = source.lines.position(&source.text, last_byte).line;
        changes.touches(&source.path, first, last)
    }
}

/// Work on a list of items done on threads and handed out in the items' order. The thread that
/// takes the results works too while the next one is not ready, and workers stay at most
/// `WINDOW` items ahead of it (and the rest of a chunk that starts within the window), so
/// memory holds a window of results, not the run. Items are worked on in chunks, each by one
/// thread, of as many items as `chunk` says when the chunk is taken (at least one; the last
/// chunk may be shorter).
struct Ordered<'a, T, R, F> {
    items: &'a [T],
    chunk: &'a std::sync::atomic::AtomicUsize,
    work: F,
    next: std::sync::atomic::AtomicUsize,
    state: std::sync::Mutex<OrderedState<R>>,
    /// Signalled when the result the taker waits for is in (or the work stopped).
    ready: std::sync::Condvar,
    /// Signalled when the taker moves on and workers wait for room (or the work stopped).
    room: std::sync::Condvar,
}

struct OrderedState<R> {
    done: std::collections::BTreeMap<usize, R>,
    /// The rests of chunks the taker worked on in part, to be taken before new chunks.
    returned: Vec<std::ops::Range<usize>>,
    /// How many results have been taken.
    taken: usize,
    /// The result the taker is asleep waiting for.
    awaited: Option<usize>,
    /// How many workers are asleep waiting for room.
    waiting: usize,
    stopped: bool,
}

/// How many bytes of articles at most are checked together, phase by phase
/// ([`RuleSet::check_batch`]), past the first: enough for the tables of a phase to be read a
/// few times before the next evicts them, few enough that the articles stay in the cache.
const BATCH_BYTES: usize = 64 << 10;

/// How many files the next chunk takes, after one whose files worked on (`worked_on` of them,
/// those before any hand-over) held `bytes` of articles: as many of their mean size as fill a
/// batch ([`BATCH_BYTES`]), one at least and `most` at most.
fn next_chunk(bytes: usize, worked_on: usize, most: usize) -> usize {
    let mean = bytes / worked_on.max(1);
    (BATCH_BYTES / mean.max(1)).clamp(1, most)
}

/// How many bytes of articles a worker reads of a chunk before it hands over what it has checked
/// and leaves the rest: past a few long ones (a chunk sized for short files may hold long ones).
const HANDED_OVER: usize = 256 << 10;

/// The most files a worker takes at once.
const BATCH_FILES: usize = 16;

/// How far ahead of the writer the workers may get.
const WINDOW: usize = 256;

impl<'a, T: Sync, R: Send, F: Fn(&[T]) -> Vec<R> + Sync> Ordered<'a, T, R, F> {
    fn new(items: &'a [T], chunk: &'a std::sync::atomic::AtomicUsize, work: F) -> Self {
        let state = OrderedState {
            done: std::collections::BTreeMap::new(),
            returned: Vec::new(),
            taken: 0,
            awaited: None,
            waiting: 0,
            stopped: false,
        };
        Ordered {
            items,
            chunk,
            work,
            next: std::sync::atomic::AtomicUsize::new(0),
            state: std::sync::Mutex::new(state),
            ready: std::sync::Condvar::new(),
            room: std::sync::Condvar::new(),
        }
    }

    /// Takes the next chunk: where it starts, and its items if there are any.
    fn next_chunk(&self) -> (usize, Option<&'a [T]>) {
        let n = self.chunk.load(std::sync::atomic::Ordering::Relaxed).max(1);
        let i = self.next.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        (i, self.items.get(i..self.items.len().min(i.saturating_add(n))).filter(|c| !c.is_empty()))
    }

    /// Takes work: the rest of a chunk handed back, or else (if `fresh`) the next chunk.
    fn claim(&self, state: &mut OrderedState<R>, fresh: bool) -> Option<(usize, &'a [T])> {
        if let Some(rest) = state.returned.pop() {
            return Some((rest.start, &self.items[rest]));
        }
        match fresh.then(|| self.next_chunk()) {
            Some((i, Some(chunk))) => Some((i, chunk)),
            _ => None,
        }
    }

    /// Works on `chunk`, which starts at item `i`, and puts the results with the others. The
    /// work may stop before the end of the chunk; the rest is handed back (`hand_back`) or worked
    /// on next. `false` if the work stopped meanwhile.
    fn work_on(&self, i: usize, chunk: &'a [T], hand_back: bool) -> bool {
        let (mut i, mut chunk) = (i, chunk);
        while !chunk.is_empty() {
            let results = (self.work)(chunk);
            let n = results.len();
            assert!(n > 0, "work on a chunk gives at least one result");
            let mut state = self.lock();
            state.done.extend((i..).zip(results));
            let wake = state.awaited.is_some_and(|a| (i..i + n).contains(&a));
            (i, chunk) = (i + n, &chunk[n..]);
            if hand_back && !chunk.is_empty() {
                state.returned.push(i..i + chunk.len());
                return true;
            }
            let stopped = state.stopped;
            drop(state);
            if wake {
                self.ready.notify_one();
            }
            if stopped {
                return false;
            }
        }
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OrderedState<R>> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A worker thread: works on the next item until there are none, or the work stopped.
    fn worker(&self) {
        // A worker that panics stops the work, so the taker does not wait for it forever.
        let _stop = self.stop_on_drop_if_panicking();
        loop {
            let mut state = self.lock();
            let Some((i, chunk)) = self.claim(&mut state, true) else { return };
            while i >= state.taken + WINDOW && !state.stopped {
                state.waiting += 1;
                state = self.room.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                state.waiting -= 1;
            }
            if state.stopped {
                return;
            }
            drop(state);
            if !self.work_on(i, chunk, false) {
                return;
            }
        }
    }

    /// The result for item `i`; items are taken in order. While it is not ready, the taker
    /// works on the next item itself, and sleeps only when every item is taken up.
    fn take(&self, i: usize) -> R {
        loop {
            let mut state = self.lock();
            if let Some(result) = state.done.remove(&i) {
                state.taken = i + 1;
                let wake = state.waiting > 0;
                drop(state);
                if wake {
                    self.room.notify_all();
                }
                return result;
            }
            assert!(!state.stopped, "a worker checking files stopped (it panicked)");
            // Within the window only: a slow file must not make the taker hold the rest.
            let within = self.next.load(std::sync::atomic::Ordering::Relaxed) < i + WINDOW;
            if let Some((j, chunk)) = self.claim(&mut state, within) {
                drop(state);
                // The taker writes nothing while it works: what it leaves of a chunk is handed
                // back, for it or a worker to take next.
                self.work_on(j, chunk, true);
                continue;
            }
            state.awaited = Some(i);
            while !state.done.contains_key(&i) && !state.stopped {
                state = self.ready.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            state.awaited = None;
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.room.notify_all();
        self.ready.notify_all();
    }

    fn stop_on_drop(&self) -> StopOnDrop<'_, Self> {
        StopOnDrop { stop: self, always: true }
    }

    fn stop_on_drop_if_panicking(&self) -> StopOnDrop<'_, Self> {
        StopOnDrop { stop: self, always: false }
    }
}

/// Something that stops.
trait Stop {
    fn stop(&self);
}

impl<T: Sync, R: Send, F: Fn(&[T]) -> Vec<R> + Sync> Stop for Ordered<'_, T, R, F> {
    fn stop(&self) {
        Ordered::stop(self);
    }
}

/// Stops the work when dropped (`always`), or when dropped by a panic.
struct StopOnDrop<'a, S: Stop> {
    stop: &'a S,
    always: bool,
}

impl<S: Stop> Drop for StopOnDrop<'_, S> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            self.stop.stop();
        }
    }
}

/// A progress line on stderr for a run over many files, when stderr is a terminal, the report
/// goes elsewhere (a file, a pipe) and the run takes more than a moment: files done, of how
/// many, and the rate. It is wiped before any message on stderr, and redrawn after.
struct Progress {
    total: usize,
    done: usize,
    bytes: usize,
    start: std::time::Instant,
    shown: bool,
    /// When the line was last shown, in seconds from the start.
    last_shown: f64,
    enabled: bool,
}

/// Whether a run shows a progress line: over many files, with stderr on a terminal, and the
/// report elsewhere (on the terminal too, the line would run into it).
fn progress_wanted(files: usize, stderr_terminal: bool, stdout_terminal: bool) -> bool {
    files > 64 && stderr_terminal && !stdout_terminal
}

impl Progress {
    fn new(total: usize) -> Progress {
        let enabled = progress_wanted(total, io::stderr().is_terminal(), io::stdout().is_terminal());
        Progress {
            total,
            done: 0,
            bytes: 0,
            start: std::time::Instant::now(),
            shown: false,
            last_shown: 0.0,
            enabled,
        }
    }

    fn add(&mut self, bytes: usize) {
        self.done += 1;
        self.bytes += bytes;
    }

    /// Shows the line after the first half second, then ten times a second.
    fn show(&mut self) {
        if !self.enabled || self.done % 16 != 0 {
            return;
        }
        let elapsed = self.start.elapsed().as_secs_f64();
        if elapsed < 0.5 || elapsed < self.last_shown + 0.1 {
            return;
        }
        self.last_shown = elapsed;
        let rate = self.bytes as f64 / 1e6 / elapsed;
        let _ = write!(io::stderr().lock(), "\r{} of {} files, {rate:.1} MB/s ", self.done, self.total);
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let _ = write!(io::stderr().lock(), "\r\x1b[K");
            self.shown = false;
        }
    }
}

/// A finding as the configuration's overrides for its file leave it (none without one).
fn override_diagnostic(config: Option<&Config>, path: &Path, d: Diagnostic) -> Option<Diagnostic> {
    match config {
        Some(config) => config.apply_overrides(path, d),
        None => Some(d),
    }
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

/// Writes the starter configuration, never over an existing file.
fn init() -> Result<u8, Error> {
    let path = PathBuf::from(config::FILE_NAMES[0]);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
    let mut file = match file {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => return Err(Error::Exists { path }),
        Err(source) => return Err(Error::Write { path, source }),
    };
    file.write_all(config::STARTER.as_bytes())
        .map_err(|source| Error::Write { path: path.clone(), source })?;
    let _ = writeln!(
        io::stderr().lock(),
        "wrote {}: every setting is commented; see the README's Configuration",
        path.display()
    );
    Ok(0)
}

/// Prints the configuration that applies to a path, each part with where it was set.
fn show_config(path: Option<&Path>, source: &RuleSourceArgs) -> Result<u8, Error> {
    let path = path.unwrap_or(Path::new("."));
    let config_file = config_path(source, path);
    let profile = load_profile(source, config_file.as_deref())?;
    let mut out = String::new();
    let from = |what: &str| format!("  ({what})");
    let file_name = config_file.as_ref().map_or_else(|| "default".to_owned(), |p| p.display().to_string());
    match &config_file {
        Some(file) => out.push_str(&format!("configuration: {}\n", file.display())),
        None => out.push_str("configuration: none (built-in defaults)\n"),
    }
    let cli = "command line";
    let set_here = |key: &str| profile.config.as_ref().is_some_and(|c| c.keys.iter().any(|k| k == key));
    let origin = |key: &str| from(if set_here(key) { &file_name } else { "default" });
    let builtin_from = if source.no_default_rules { from(cli) } else { origin("builtin") };
    let builtin = !source.no_default_rules && profile.config.as_ref().is_none_or(|c| c.builtin);
    out.push_str(&format!("builtin: {builtin}{builtin_from}\n"));
    let mut dirs: Vec<String> =
        source.rules.iter().map(|d| format!("{}{}", d.display(), from(cli))).collect();
    if let Some(c) = &profile.config {
        dirs.extend(c.rules.iter().map(|d| format!("{}{}", d.display(), from(&file_name))));
    }
    out.push_str(&format!("rules: {}\n", if dirs.is_empty() { "none".to_owned() } else { dirs.join(", ") }));
    if let Some(c) = &profile.config {
        let list = |items: &[String]| if items.is_empty() { "all".to_owned() } else { items.join(", ") };
        out.push_str(&format!("select: {}{}\n", list(&c.select), origin("select")));
        out.push_str(&format!(
            "ignore: {}{}\n",
            if c.ignore.is_empty() { "none".into() } else { c.ignore.join(", ") },
            origin("ignore")
        ));
        for (name, level) in &c.levels {
            let level = match level {
                Level::Off => "off".to_owned(),
                Level::On(s) => s.to_string(),
            };
            out.push_str(&format!("level: {name} = {level}{}\n", from(&file_name)));
        }
        let house = &c.style;
        out.push_str(&format!(
            "style.date: {}{}\n",
            house.date.map_or("the rule file's (AP)", |d| d.name()),
            if house.date.is_some() { from(&file_name) } else { from("default") }
        ));
        for (key, list) in [
            ("prefer", &house.prefer),
            ("accept", &house.accept),
            ("extend-abbreviations", &house.extend_abbreviations),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("style.{key}: {}{}\n", list.join(", "), from(&file_name)));
            }
        }
        for (i, o) in c.overrides.iter().enumerate() {
            if path.is_file() && !c.overrides_for(path).any(|x| std::ptr::eq(x, o)) {
                continue;
            }
            let files: Vec<&str> = o.files.iter().map(glob::Pattern::as_str).collect();
            out.push_str(&format!("override {} for {}{}:", i + 1, files.join(", "), from(&file_name)));
            if !o.select.is_empty() {
                out.push_str(&format!(" select {}", o.select.join(", ")));
            }
            if !o.ignore.is_empty() {
                out.push_str(&format!(" ignore {}", o.ignore.join(", ")));
            }
            for (name, level) in &o.levels {
                let level = match level {
                    Level::Off => "off".to_owned(),
                    Level::On(s) => s.to_string(),
                };
                out.push_str(&format!(" {name} = {level}"));
            }
            out.push('\n');
        }
        if path.is_file() && !c.walks_into(path) {
            out.push_str("walk: a directory walk skips this file (include/exclude)\n");
        }
    }
    out.push_str(&format!("rules that run: {}\n", profile.set.rules.len()));
    io::stdout().lock().write_all(out.as_bytes()).map_err(Error::Output)?;
    Ok(0)
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
    // Every loaded rule can be explained, even one the configuration turns off.
    let config = config_path(source, Path::new("."));
    let set = reporting(|reported| load_profile_with(source, config.as_deref(), false, reported))?.set;
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
    let files = reporting(|reported| read_rule_dirs(pack::builtin(dir.is_none()), dir.as_slice(), reported))?;
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
    show_problems(&set, &problems, color, &mut io::stderr().lock())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A chunk takes as many files as fill a batch at the mean size of the files worked on
    /// last: stories many at a time, long files one at a time, and after a hand-over the mean
    /// of the files read before it, not spread over the whole chunk.
    #[test]
    fn a_chunk_holds_a_batch_at_the_size_of_the_files_worked_on_last() {
        assert_eq!(next_chunk(16 * 3_000, 16, 16), 16, "stories: as many as allowed");
        assert_eq!(next_chunk(4 * 8_192, 4, 16), 8, "8 KB files: a batch's worth");
        assert_eq!(next_chunk(300_000, 1, 16), 1, "a long file: one at a time");
        assert_eq!(next_chunk(2 * 200_000, 2, 16), 1, "two long files, then a hand-over");
        assert_eq!(next_chunk(0, 5, 16), 16, "nothing read (files skipped)");
        assert_eq!(next_chunk(0, 0, 16), 16, "nothing worked on");
        assert_eq!(next_chunk(3_000, 1, 2), 2, "a run of few files allows fewer");
    }

    /// Results come out in the items' order whatever the chunks and the number of workers, each
    /// item worked on once, in chunks one after another no longer than asked for (the work
    /// changes the size as it goes, and works on some chunks in parts), and no chunk starts past
    /// the window ahead of the items taken.
    #[test]
    fn ordered_work_is_taken_in_order_chunk_by_chunk() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        // Parts of chunks a worker thread went on with itself after leaving them unfinished:
        // a hand-over met by a worker, not the taker (in a run, past 256 KB read of a chunk),
        // whose results must come out in order like the others. Counted, so that the test is
        // known to cover it.
        let mut continued = 0;
        let taker = std::thread::current().id();
        for (n, most, workers) in
            [(0, 4, 1), (1, 16, 2), (10, 1, 1), (100, 3, 2), (1000, 16, 3), (2000, 7, 2)]
        {
            let items: Vec<usize> = (0..n).collect();
            let chunks = std::sync::Mutex::new(Vec::new());
            let chunk = AtomicUsize::new(1);
            // The items the taker has taken, at least (it counts after each).
            let taken = AtomicUsize::new(0);
            let ordered = Ordered::new(&items, &chunk, |part: &[usize]| {
                // Some of the work done at a time, as a check of long articles does.
                let done = if part[0] % 5 == 0 { 1 + part[0] % part.len() } else { part.len() };
                chunks.lock().unwrap().push((part[0], done, done < part.len(), std::thread::current().id()));
                // The rest of a chunk that starts within the window may run past it.
                let bound = taken.load(Relaxed) + WINDOW + most;
                assert!(part[0] <= bound, "chunk at {} past the window", part[0]);
                chunk.store(1 + part[0] % most, Relaxed);
                part[..done].iter().map(|x| x * 2).collect()
            });
            let out: Vec<usize> = std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| ordered.worker());
                }
                let out = (0..n)
                    .map(|i| {
                        // A slow taker at first: the workers run ahead to the window.
                        if i == 1 {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        let result = ordered.take(i);
                        taken.store(i + 1, Relaxed);
                        result
                    })
                    .collect();
                ordered.stop();
                out
            });
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>(), "{n} items");
            let chunks = chunks.into_inner().unwrap();
            // A worker's parts, in the order it worked on them: one that follows a part it left
            // unfinished, where that one stopped, is the rest of the same chunk (a chunk it takes
            // afresh starts past the whole of the one before).
            let mut last: std::collections::HashMap<std::thread::ThreadId, (usize, bool)> =
                Default::default();
            for &(start, len, partial, thread) in &chunks {
                if thread != taker && last.get(&thread) == Some(&(start, true)) {
                    continued += 1;
                }
                last.insert(thread, (start + len, partial));
            }
            let mut chunks: Vec<(usize, usize)> =
                chunks.iter().map(|&(start, len, ..)| (start, len)).collect();
            chunks.sort_unstable();
            // One after another, none longer than the longest asked for.
            let mut next = 0;
            for &(start, len) in &chunks {
                assert_eq!(start, next, "{n} items: {chunks:?}");
                assert!(len <= most, "{n} items: {chunks:?}");
                next += len;
            }
            assert_eq!(next, n);
        }
        assert!(continued > 0, "no worker met a hand-over: the case is not covered");
    }

    #[test]
    fn progress_only_on_a_terminal_with_the_report_elsewhere() {
        assert!(progress_wanted(1000, true, false));
        assert!(!progress_wanted(1000, false, false), "stderr redirected");
        assert!(!progress_wanted(1000, true, true), "the report on the terminal too");
        assert!(!progress_wanted(10, true, false), "a few files take no time");
    }
}
