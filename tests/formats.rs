//! The CI output formats as their consumers read them: SARIF validated against the official
//! schema, GitHub workflow commands, JUnit XML parsed as XML, and reviewdog's rdjson.

use std::fs;
use std::path::Path;
use std::process::Command;

use regex::Regex;
use serde_json::Value;

const SEED: &str = "fixtures/nagorno-karabakh-2020-10-03.txt";
const DRAFT: &str = "fixtures/markdown-draft.md";

fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_copydesk")).args(args).output().expect("the binary runs");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn scratch(name: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("formats").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            fs::write(&path, text).expect("write");
            path.to_str().expect("UTF-8 path").to_owned()
        })
        .collect()
}

/// A JSON Schema (draft-07) validator for the keywords the SARIF schema uses. A keyword it does
/// not know fails the test, so no part of a schema is skipped without notice.
struct Schema<'a> {
    root: &'a Value,
}

impl Schema<'_> {
    fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = schema.as_object() else { return };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
                .unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
            return self.validate(target, value, at, errors);
        }
        for (keyword, rule) in schema {
            match keyword.as_str() {
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("bad type"),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        errors.push(format!("{at}: expected {types:?}, found {value}"));
                    }
                }
                "enum" => {
                    if !rule.as_array().expect("enum is a list").contains(value) {
                        errors.push(format!("{at}: {value} is not one of {rule}"));
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, sub) in rule.as_object().expect("properties is an object") {
                            if let Some(v) = object.get(name) {
                                self.validate(sub, v, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(object) = value.as_object() {
                        let known = schema.get("properties").and_then(Value::as_object);
                        for (name, v) in object {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            match rule {
                                Value::Bool(false) => {
                                    errors.push(format!("{at}: unexpected property {name}"))
                                }
                                Value::Bool(true) => {}
                                sub => self.validate(sub, v, &format!("{at}.{name}"), errors),
                            }
                        }
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for name in
                            rule.as_array().expect("required is a list").iter().filter_map(Value::as_str)
                        {
                            if !object.contains_key(name) {
                                errors.push(format!("{at}: missing required {name}"));
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.validate(rule, item, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
                "minItems" => {
                    if value.as_array().is_some_and(|a| (a.len() as u64) < rule.as_u64().expect("a count")) {
                        errors.push(format!("{at}: fewer than {rule} items"));
                    }
                }
                "uniqueItems" => {
                    if let (Some(items), Some(true)) = (value.as_array(), rule.as_bool()) {
                        let distinct: std::collections::BTreeSet<String> =
                            items.iter().map(Value::to_string).collect();
                        if distinct.len() != items.len() {
                            errors.push(format!("{at}: items repeat"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(n), Some(bound)) = (value.as_f64(), rule.as_f64()) {
                        if (keyword == "minimum" && n < bound) || (keyword == "maximum" && n > bound) {
                            errors.push(format!("{at}: {n} is out of range ({keyword} {bound})"));
                        }
                    }
                }
                "pattern" => {
                    if let Some(text) = value.as_str() {
                        let pattern =
                            Regex::new(rule.as_str().expect("a pattern")).expect("the schema's pattern");
                        if !pattern.is_match(text) {
                            errors.push(format!("{at}: {text:?} does not match {pattern}"));
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let branches = rule.as_array().expect("a list of schemas");
                    let passing = branches
                        .iter()
                        .filter(|b| {
                            let mut sub = Vec::new();
                            self.validate(b, value, at, &mut sub);
                            sub.is_empty()
                        })
                        .count();
                    if passing == 0 || (keyword == "oneOf" && passing > 1) {
                        errors.push(format!("{at}: {passing} branches of {keyword} match"));
                    }
                }
                // Annotations, and `format`, which draft-07 validators do not assert by default.
                "description" | "default" | "title" | "$schema" | "$id" | "definitions" | "format" => {}
                other => panic!("the test's validator does not know the keyword {other}"),
            }
        }
    }

    fn errors(&self, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.validate(self.root, value, "$", &mut errors);
        errors
    }
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

fn sarif_schema() -> Value {
    serde_json::from_str(&fs::read_to_string("fixtures/sarif-schema-2.1.0.json").expect("the schema file"))
        .expect("the schema is JSON")
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let schema = sarif_schema();
    let validator = Schema { root: &schema };
    let out = run(&["check", "--format", "sarif", SEED, DRAFT, "fixtures/clean-wire.txt"]);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF is one JSON document");
    let errors = validator.errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The same findings as the JSON format, at the same places, with their rules described.
    let json: Value =
        serde_json::from_str(&run(&["check", "--format", "json", SEED, DRAFT, "fixtures/clean-wire.txt"]))
            .expect("JSON");
    let run0 = &sarif["runs"][0];
    let results = run0["results"].as_array().expect("results");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(results.len(), diagnostics.len());
    assert!(results.len() > 10);
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["rule"]);
        let index = r["ruleIndex"].as_u64().expect("an index") as usize;
        assert_eq!(rules[index]["id"], d["rule"], "ruleIndex points at the rule");
        let level = match d["severity"].as_str() {
            Some("suggestion") => "note",
            other => other.expect("a severity"),
        };
        assert_eq!(r["level"], level);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!((&region["startLine"], &region["startColumn"]), (&d["line"], &d["column"]));
        assert_eq!((&region["endLine"], &region["endColumn"]), (&d["end_line"], &d["end_column"]));
        assert_eq!(region["byteOffset"], d["start"]);
    }
    let azeri = rules.iter().find(|r| r["id"] == "News.Azeri").expect("a rule that ran");
    assert_eq!(azeri["defaultConfiguration"]["level"], "warning");
    assert!(azeri["shortDescription"]["text"].as_str().is_some_and(|t| t.starts_with("Flags ")));
}

#[test]
fn the_schema_check_catches_what_the_schema_forbids() {
    let schema = sarif_schema();
    let validator = Schema { root: &schema };
    let good: Value = serde_json::from_str(&run(&["check", "--format", "sarif", SEED])).expect("JSON");
    assert!(validator.errors(&good).is_empty());
    let mut bad_level = good.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    let mut no_version = good.clone();
    no_version.as_object_mut().expect("an object").remove("version");
    let mut extra = good.clone();
    extra["runs"][0]["results"][0]["bogus"] = 1.into();
    let mut bad_line = good;
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    for bad in [bad_level, no_version, extra, bad_line] {
        assert!(!validator.errors(&bad).is_empty(), "the validator must reject {bad}");
    }
}

#[test]
fn github_commands_carry_severity_and_escape_what_the_runner_reads_as_syntax() {
    let files = scratch(
        "github",
        &[(
            "a,b: story.txt",
            "Headline\n\nAzeri forces advanced in order to hold the line. Talks began on Feburary 3 in the the capital.\n",
        )],
    );
    let out = run(&["check", "--format", "github", &files[0]]);
    let command = Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:]+::[^\r\n]+$",
    )
    .expect("regex");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 3, "{out}");
    for line in &lines {
        assert!(command.is_match(line), "not a workflow command: {line}");
        assert!(line.contains("a%2Cb%3A story.txt"), "the path's `,` and `:` are escaped: {line}");
    }
    assert!(lines.iter().any(|l| l.starts_with("::warning ") && l.contains("title=News.Azeri (warning)::")));
    assert!(lines.iter().any(|l| l.starts_with("::notice ") && l.contains("(suggestion)")), "{out}");
}

#[test]
fn junit_is_well_formed_xml_with_a_failure_per_finding() {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let out = run(&["check", "--format", "junit", SEED, "fixtures/clean-wire.txt"]);
    let json: Value =
        serde_json::from_str(&run(&["check", "--format", "json", SEED, "fixtures/clean-wire.txt"]))
            .expect("JSON");
    let mut reader = Reader::from_str(&out);
    let (mut suites, mut cases, mut failures, mut depth) = (0, 0, 0, 0i32);
    let mut failure_types = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuite" => suites += 1,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => cases += 1,
            Event::Start(e) if e.name().as_ref() == b"failure" => {
                failures += 1;
                let kind = e.try_get_attribute("type").expect("attributes").expect("a type");
                failure_types.push(String::from_utf8(kind.value.to_vec()).expect("UTF-8"));
                depth += 1;
            }
            Event::End(e) if e.name().as_ref() == b"failure" => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    let findings = json["diagnostics"].as_array().expect("diagnostics").len();
    assert_eq!((suites, failures), (2, findings));
    assert_eq!(cases, findings + 1, "one case per finding, and one for the clean file");
    let severities: Vec<&str> =
        json["diagnostics"].as_array().expect("list").iter().filter_map(|d| d["severity"].as_str()).collect();
    assert_eq!(failure_types, severities, "the failure's type is the severity");
}

#[test]
fn rdjson_has_the_fields_reviewdog_reads_with_byte_columns() {
    let files = scratch("rdjson", &[("story.txt", "Headline\n\nCafé owners said Azeri forces advanced.\n")]);
    let out = run(&["check", "--format", "rdjson", "--select", "News.Azeri", &files[0]]);
    let result: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(result["source"]["name"], "copydesk");
    let diagnostics = result["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d["severity"], "WARNING");
    assert_eq!(d["code"]["value"], "News.Azeri");
    assert_eq!(d["location"]["path"], files[0].as_str());
    // "Café owners said " is 17 characters and 18 bytes: reviewdog counts bytes, from 1.
    assert_eq!(d["location"]["range"]["start"], serde_json::json!({"line": 3, "column": 19}));
    assert_eq!(d["location"]["range"]["end"], serde_json::json!({"line": 3, "column": 24}));
    assert_eq!(d["suggestions"][0]["text"], "Azerbaijani");
    assert!(d["message"].as_str().is_some_and(|m| m.contains("Azerbaijani")));
}
