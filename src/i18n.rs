//! Every text a person reads, in Swedish, English and Norwegian bokmål
//! (R-UI-7), from the Fluent files in `locales/`. Pages, server messages,
//! e-mails and documents all ask here by message id, so a fourth language
//! is a fourth file. The files are compiled in, parsed once per process
//! (server and browser alike) and a message without arguments is formatted
//! once; a test holds every language to the same ids and arguments and every
//! id the code asks for to exist.

use crate::domain::locale::Locale;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The message files, in the order of [`Locale::ALL`].
pub const SOURCES: [(Locale, &str); 3] = [
    (Locale::Sv, include_str!("../locales/sv.ftl")),
    (Locale::En, include_str!("../locales/en.ftl")),
    (Locale::Nb, include_str!("../locales/nb.ftl")),
];

struct Language {
    bundle: FluentBundle<FluentResource>,
    /// Messages without arguments, formatted once.
    plain: HashMap<String, String>,
}

static LANGUAGES: LazyLock<Vec<Language>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(locale, source)| load(*locale, source))
        .collect()
});

fn load(locale: Locale, source: &str) -> Language {
    // A syntax error keeps the rest of the file; the parity test fails on it.
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
    let id = locale.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Plain text around arguments: no Unicode isolation marks in the output.
    bundle.set_use_isolating(false);
    let ids: Vec<String> = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    let _ = bundle.add_resource(resource);
    let mut plain = HashMap::new();
    for id in ids {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = vec![];
        let text = bundle.format_pattern(pattern, None, &mut errors);
        if errors.is_empty() {
            plain.insert(id, text.into_owned());
        }
    }
    Language { bundle, plain }
}

fn language(l: Locale) -> Option<&'static Language> {
    let i = Locale::ALL.iter().position(|x| *x == l)?;
    LANGUAGES.get(i)
}

/// The message `id` in `l`. An id missing from the files reads as itself
/// (the test `every_id_asked_for_exists` keeps that from shipping).
pub fn t(l: Locale, id: &'static str) -> &'static str {
    language(l)
        .and_then(|lang| lang.plain.get(id))
        .map_or(id, String::as_str)
}

/// Every message whose id starts with `prefix`, for a template that looks
/// its labels up by id (the PDF's `pdf-*`).
pub fn with_prefix(
    l: Locale,
    prefix: &str,
) -> std::collections::BTreeMap<&'static str, &'static str> {
    language(l)
        .map(|lang| {
            lang.plain
                .iter()
                .filter(|(id, _)| id.starts_with(prefix))
                .map(|(id, text)| (id.as_str(), text.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

/// An argument of a message: text as given, a count for the plural forms.
pub fn arg<'a>(value: impl Into<FluentValue<'a>>) -> FluentValue<'a> {
    value.into()
}

/// The message `id` in `l` with its arguments; see [`tf!`](crate::tf).
pub fn t_args<'a>(l: Locale, id: &str, args: &[(&str, FluentValue<'a>)]) -> String {
    let Some(lang) = language(l) else {
        return id.to_string();
    };
    let Some(pattern) = lang.bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = vec![];
    lang.bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// A message with arguments: `tf!(l, "plan-changes-on", plan = name, date = l.date(d))`.
/// Text arguments are passed formatted (money and dates in the locale's
/// format); integers stay numbers so the message can choose a plural form.
#[macro_export]
macro_rules! tf {
    ($l:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::t_args($l, $id, &[$((stringify!($name), $crate::i18n::arg($value))),+])
    };
}

/// A message to show later, in the reader's language: what errors carry
/// from the server to the page, which renders it in the page's language.
/// `Plain` is text that is the same in every language (an operator's
/// message, a name); what a customer reads is a `Message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Text {
    Message {
        id: String,
        args: Vec<(String, TextArg)>,
    },
    Plain(String),
}

/// An argument of a [`Text`]: text already formatted, or a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextArg {
    Str(String),
    Num(i64),
    /// Another message, rendered in the same language.
    Message(String),
}

impl TextArg {
    pub fn message(id: &str) -> TextArg {
        TextArg::Message(id.to_string())
    }
}

impl Text {
    pub fn render(&self, l: Locale) -> String {
        match self {
            Text::Plain(text) => text.clone(),
            Text::Message { id, args } => {
                let args: Vec<(&str, FluentValue)> = args
                    .iter()
                    .map(|(name, value)| {
                        let value = match value {
                            TextArg::Str(s) => FluentValue::from(s.clone()),
                            TextArg::Num(n) => FluentValue::from(*n),
                            TextArg::Message(id) => FluentValue::from(
                                Text::Message {
                                    id: id.clone(),
                                    args: Vec::new(),
                                }
                                .render(l),
                            ),
                        };
                        (name.as_str(), value)
                    })
                    .collect();
                t_args(l, id, &args)
            }
        }
    }
}

/// Logs and plain-text answers read English.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::Plain(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::Plain(text.to_string())
    }
}

impl From<String> for TextArg {
    fn from(s: String) -> TextArg {
        TextArg::Str(s)
    }
}

impl From<&str> for TextArg {
    fn from(s: &str) -> TextArg {
        TextArg::Str(s.to_string())
    }
}

macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for TextArg {
            fn from(n: $t) -> TextArg {
                TextArg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
count_arg!(i32, i64, u32, u64, usize);

/// A message for later: `msg!("seats-below-minimum", plan = name, min = 3)`.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $crate::i18n::Text::Message { id: $id.to_string(), args: Vec::new() }
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::Text::Message {
            id: $id.to_string(),
            args: vec![$((stringify!($name).to_string(), $crate::i18n::TextArg::from($value))),+],
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement};
    use std::collections::{BTreeMap, BTreeSet};

    /// Every message of a file with the variables it uses.
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("syntax errors: {errors:?}"));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            if let Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                assert!(
                    out.insert(m.id.name.to_string(), vars).is_none(),
                    "{} twice",
                    m.id.name
                );
            }
        }
        out
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for el in &p.elements {
            if let PatternElement::Placeable { expression } = el {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            Expression::Inline(i) => inline_vars(i, vars),
            Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
        }
    }

    fn inline_vars(i: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_string());
            }
            InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            _ => {}
        }
    }

    #[test]
    fn every_language_has_every_message_with_the_same_arguments() {
        let [(_, sv), rest @ ..] = SOURCES;
        let reference = messages(sv);
        for (locale, source) in rest {
            let other = messages(source);
            for (id, vars) in &reference {
                assert_eq!(other.get(id), Some(vars), "{id} in {}", locale.code());
            }
            for id in other.keys() {
                assert!(reference.contains_key(id), "{id} only in {}", locale.code());
            }
        }
    }

    /// The argument names of a call whose arguments start at `rest` (just
    /// after the id): top-level `name = value` pairs up to the closing
    /// parenthesis.
    fn argument_names(rest: &str) -> BTreeSet<String> {
        let mut depth = 0;
        let mut top = String::new();
        for ch in rest.chars() {
            match ch {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                _ if depth == 0 => top.push(ch),
                _ => {}
            }
        }
        top.split(',')
            .filter_map(|part| {
                let (name, value) = part.split_once('=')?;
                let name = name.trim();
                let named = !value.starts_with(['=', '>'])
                    && !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                named.then(|| name.to_string())
            })
            .collect()
    }

    /// Every `t(l, "id")`, `tf!(l, "id", name = …)` and `msg!("id", …)` in
    /// the code, and every `t("id")` in the PDF template, names a message
    /// that exists, with exactly the arguments it uses; every message is
    /// asked for somewhere.
    #[test]
    fn every_id_asked_for_exists() {
        let known = messages(SOURCES[0].1);
        let mut used = BTreeSet::new();
        let call =
            regex::Regex::new(r#"\b(t|tf!|msg!)\((?:\s*[\w.()]+\s*,)?\s*"([a-z0-9-]+)""#).unwrap();
        let data_id = regex::Regex::new(r#""((?:what|country|decline)-[a-z0-9-]+)""#).unwrap();
        for path in rust_files(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))) {
            let code = std::fs::read_to_string(&path).unwrap();
            for c in call.captures_iter(&code) {
                let id = c[2].to_string();
                let vars = known
                    .get(&id)
                    .unwrap_or_else(|| panic!("{}: no message {id}", path.display()));
                let named = argument_names(&code[c.get(0).unwrap().end()..]);
                assert_eq!(&named, vars, "{}: {id}'s arguments", path.display());
                used.insert(id);
            }
            // Ids handed over as data: what a refusal names (`what-…`), countries.
            for m in data_id.captures_iter(&code) {
                assert!(
                    known.contains_key(&m[1]),
                    "{}: no message {}",
                    path.display(),
                    &m[1]
                );
                used.insert(m[1].to_string());
            }
        }
        let template =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/pdf/invoice.typ"))
                .unwrap();
        for m in regex::Regex::new(r#"\bt\("([a-z0-9-]+)"\)"#)
            .unwrap()
            .captures_iter(&template)
        {
            assert!(
                known.contains_key(&m[1]),
                "invoice.typ: no message {}",
                &m[1]
            );
            used.insert(m[1].to_string());
        }
        let unused: Vec<_> = known.keys().filter(|k| !used.contains(*k)).collect();
        assert!(unused.is_empty(), "messages no code asks for: {unused:?}");
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn messages_format_in_each_language() {
        assert_eq!(t(Locale::Sv, "header-log-out"), "Logga ut");
        assert_eq!(t(Locale::En, "header-log-out"), "Log out");
        assert_eq!(t(Locale::Nb, "header-log-out"), "Logg ut");
        assert_eq!(t(Locale::En, "no-such-message"), "no-such-message");
    }
}
