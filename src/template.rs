//! Message templates: `use {replacement} instead of {match}`, with `{{` and `}}` for braces.
//!
//! A template is parsed once when its rule loads; a placeholder the rule's kind does not provide
//! is an error with a caret on the placeholder.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Placeholder(String),
}

/// A parsed message template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A mistake in a template, with its byte range inside the template string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub range: Range<usize>,
    pub message: String,
}

impl Template {
    /// Parses a template, checking each placeholder against the names a kind provides.
    pub fn parse(source: &str, names: &[&str]) -> Result<Template, Vec<TemplateError>> {
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut text = String::new();
        let mut rest = source.char_indices().peekable();
        while let Some((i, c)) = rest.next() {
            match c {
                '{' if rest.peek().is_some_and(|&(_, n)| n == '{') => {
                    rest.next();
                    text.push('{');
                }
                '}' if rest.peek().is_some_and(|&(_, n)| n == '}') => {
                    rest.next();
                    text.push('}');
                }
                '{' => {
                    let close = source[i + 1..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .map(|j| i + 1 + j)
                        .filter(|&j| source[j..].starts_with('}'));
                    let Some(close) = close else {
                        errors.push(TemplateError {
                            range: i..i + 1,
                            message: "unclosed `{` in message; write `{{` for a literal brace".into(),
                        });
                        break;
                    };
                    let name = &source[i + 1..close];
                    if !names.contains(&name) {
                        errors.push(TemplateError {
                            range: i..close + 1,
                            message: unknown_placeholder(name, names),
                        });
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Placeholder(name.to_owned()));
                    while rest.peek().is_some_and(|&(j, _)| j <= close) {
                        rest.next();
                    }
                }
                '}' => errors.push(TemplateError {
                    range: i..i + 1,
                    message: "unmatched `}` in message; write `}}` for a literal brace".into(),
                }),
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if errors.is_empty() { Ok(Template { parts }) } else { Err(errors) }
    }

    /// Fills the placeholders from `args`, a list of (name, value) pairs.
    pub fn render(&self, args: &[(&str, String)]) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Placeholder(name) => {
                    if let Some((_, value)) = args.iter().find(|(n, _)| n == name) {
                        out.push_str(value);
                    }
                }
            }
        }
        out
    }
}

fn unknown_placeholder(name: &str, names: &[&str]) -> String {
    let list = names.iter().map(|n| format!("`{{{n}}}`")).collect::<Vec<_>>().join(", ");
    if names.is_empty() {
        format!("unknown placeholder `{{{name}}}`: this kind provides none")
    } else {
        format!("unknown placeholder `{{{name}}}`: this kind provides {list}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_braces() {
        let t =
            Template::parse("use `{replacement}` for `{match}` {{sic}}", &["match", "replacement"]).unwrap();
        let args = [("match", "Azeri".to_string()), ("replacement", "Azerbaijani".to_string())];
        assert_eq!(t.render(&args), "use `Azerbaijani` for `Azeri` {sic}");
    }

    #[test]
    fn unknown_placeholder_points_at_it() {
        let errors = Template::parse("use {preferred} here", &["match"]).unwrap_err();
        assert_eq!(errors[0].range, 4..15);
        assert_eq!(errors[0].message, "unknown placeholder `{preferred}`: this kind provides `{match}`");
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        assert_eq!(Template::parse("oops {match", &["match"]).unwrap_err()[0].range, 5..6);
        assert_eq!(Template::parse("oops } here", &["match"]).unwrap_err()[0].range, 5..6);
        assert_eq!(
            Template::parse("use {replacement for {match}", &["match", "replacement"]).unwrap_err()[0].range,
            4..5
        );
    }
}
