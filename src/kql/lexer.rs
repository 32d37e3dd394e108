//! The KQL lexer: query text → tokens with byte spans.
//!
//! Identifiers (`where`, `has`, `project`, `$left`) are all [`Tok::Ident`]; the parser decides which are keywords,
//! because KQL keywords are not reserved. Operators with dashes or bangs (`project-away`, `!has`, `in~`) are put
//! together by the parser from adjacent tokens. Literals are decoded here: strings (`'…'`, `"…"` with backslash
//! escapes, `@"…"` verbatim, `h"…"` obfuscated, `` ```…``` `` multi-line), numbers, timespans (`1d`, `30m`,
//! `100ms`, `1.5h`, read by [`crate::time::timespan_of`]) and the raw text of typed literals
//! (`datetime(2024-01-01 10:00)`, `time(1.02:00:00)`, `guid(…)`, `int(null)`), whose contents are not ordinary
//! tokens.

use super::ast::Span;
use super::KqlError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or keyword (`where`, `TimeGenerated`, `$left`).
    Ident(String),
    /// A decoded string literal.
    Str(String),
    Long(i64),
    Real(f64),
    /// A timespan literal such as `1d`, in nanoseconds.
    Timespan(i64),
    /// A typed literal `kind(raw)`: `datetime(…)`, `time(…)`, `timespan(…)`, `guid(…)`, `int(…)` …
    Typed { kind: String, raw: String },
    /// Punctuation: `| ( ) [ ] { } , ; . .. = == != <> =~ !~ < <= > >= + - * / % : ! ~ ?`.
    Punct(&'static str),
    Eof,
}

/// A token and where it is in the query text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const PUNCT2: [&str; 8] = ["==", "!=", "<>", "=~", "!~", "<=", ">=", ".."];
const PUNCT1: [&str; 19] = ["|", "(", ")", "[", "]", "{", "}", ",", ";", ".", "=", "<", ">", "+", "-", "*", "/", "%", ":"];
const PUNCT1_MORE: [&str; 3] = ["!", "~", "?"];

/// Words that introduce a literal whose parenthesised text is read raw.
const TYPED_LITERALS: [&str; 12] = [
    "datetime", "date", "time", "timespan", "guid", "int", "long", "real", "double", "decimal", "bool", "boolean",
];

/// Splits `src` into tokens (ending with [`Tok::Eof`]).
pub fn tokenize(src: &str) -> Result<Vec<Token>, KqlError> {
    let mut lx = Lexer { src, pos: 0, out: Vec::new() };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, byte_offset: usize) -> Option<char> {
        self.src.get(self.pos + byte_offset..).and_then(|s| s.chars().next())
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.push(Token { tok, span: Span::new(start, self.pos) });
    }

    fn run(&mut self) -> Result<(), KqlError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else if self.src[self.pos..].starts_with("//") {
                match self.src[self.pos..].find('\n') {
                    Some(i) => self.pos += i + 1,
                    None => self.pos = self.src.len(),
                }
            } else if self.src[self.pos..].starts_with("```") {
                self.pos += 3;
                let end = self.src[self.pos..]
                    .find("```")
                    .ok_or_else(|| KqlError::at(Span::new(start, start + 3), "unterminated ``` string"))?;
                let text = self.src[self.pos..self.pos + end].to_string();
                self.pos += end + 3;
                self.push(Tok::Str(text), start);
            } else if c == '"' || c == '\'' {
                let s = self.string(c, false)?;
                self.push(Tok::Str(s), start);
            } else if c == '@' && matches!(self.peek_at(1), Some('"' | '\'')) {
                self.pos += 1;
                let q = self.peek().unwrap_or('"');
                let s = self.string(q, true)?;
                self.push(Tok::Str(s), start);
            } else if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) && !self.prev_is_value()) {
                self.number()?;
            } else if is_ident_start(c) {
                self.ident()?;
            } else {
                let rest = &self.src[self.pos..];
                if let Some(p) = PUNCT2.iter().find(|p| rest.starts_with(**p)) {
                    self.pos += 2;
                    self.push(Tok::Punct(p), start);
                } else if let Some(p) = PUNCT1.iter().chain(PUNCT1_MORE.iter()).find(|p| rest.starts_with(**p)) {
                    self.pos += 1;
                    self.push(Tok::Punct(p), start);
                } else {
                    return Err(KqlError::at(
                        Span::new(start, start + c.len_utf8()),
                        format!("unexpected character '{c}'"),
                    ));
                }
            }
        }
        let end = self.src.len();
        self.out.push(Token { tok: Tok::Eof, span: Span::new(end, end) });
        Ok(())
    }

    /// Whether the previous token ends a value (so a following `.5` is member access, not a number).
    fn prev_is_value(&self) -> bool {
        matches!(
            self.out.last().map(|t| &t.tok),
            Some(Tok::Ident(_) | Tok::Punct(")") | Tok::Punct("]"))
        ) && self.out.last().is_some_and(|t| t.span.end == self.pos)
    }

    /// A quoted string starting at the opening quote.
    fn string(&mut self, quote: char, verbatim: bool) -> Result<String, KqlError> {
        let start = if verbatim { self.pos - 1 } else { self.pos };
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(KqlError::at(Span::new(start, self.src.len()), "unterminated string literal"));
            };
            self.pos += c.len_utf8();
            if c == quote {
                if verbatim && self.peek() == Some(quote) {
                    out.push(quote);
                    self.pos += 1;
                    continue;
                }
                return Ok(out);
            }
            if c == '\n' && !verbatim {
                return Err(KqlError::at(Span::new(start, self.pos), "string literal runs to the end of the line"));
            }
            if c == '\\' && !verbatim {
                let Some(e) = self.peek() else { continue };
                self.pos += e.len_utf8();
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '\\' | '\'' | '"' => out.push(e),
                    'u' => {
                        let hex = self.src.get(self.pos..self.pos + 4).unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) if hex.len() == 4 => {
                                out.push(ch);
                                self.pos += 4;
                            }
                            _ => {
                                out.push('\\');
                                out.push('u');
                            }
                        }
                    }
                    other => {
                        // Kusto rejects unknown escapes; keeping them is kinder to regexes written with one backslash.
                        out.push('\\');
                        out.push(other);
                    }
                }
                continue;
            }
            out.push(c);
        }
    }

    fn number(&mut self) -> Result<(), KqlError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        if self.src[self.pos..].starts_with("0x") || self.src[self.pos..].starts_with("0X") {
            self.pos += 2;
            let s = self.pos;
            while self.pos < bytes.len() && bytes[self.pos].is_ascii_hexdigit() {
                self.pos += 1;
            }
            let v = u64::from_str_radix(&self.src[s..self.pos], 16)
                .map_err(|_| KqlError::at(Span::new(start, self.pos), "bad hexadecimal number"))?;
            self.push(Tok::Long(v as i64), start);
            return Ok(());
        }
        let mut is_real = false;
        while self.pos < bytes.len() && bytes[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        if self.pos + 1 < bytes.len() && bytes[self.pos] == b'.' && bytes[self.pos + 1].is_ascii_digit() {
            is_real = true;
            self.pos += 1;
            while self.pos < bytes.len() && bytes[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
        } else if self.pos < bytes.len()
            && bytes[self.pos] == b'.'
            && !(self.pos + 1 < bytes.len() && (bytes[self.pos + 1] == b'.' || is_ident_start(bytes[self.pos + 1] as char)))
        {
            // `1.` is a real
            is_real = true;
            self.pos += 1;
        }
        if self.pos < bytes.len() && (bytes[self.pos] == b'e' || bytes[self.pos] == b'E') {
            let mut p = self.pos + 1;
            if p < bytes.len() && (bytes[p] == b'+' || bytes[p] == b'-') {
                p += 1;
            }
            if p < bytes.len() && bytes[p].is_ascii_digit() {
                while p < bytes.len() && bytes[p].is_ascii_digit() {
                    p += 1;
                }
                // `1e3` is a real unless letters follow (then it is not a number at all)
                if !(p < bytes.len() && (bytes[p] as char).is_ascii_alphabetic()) {
                    is_real = true;
                    self.pos = p;
                }
            }
        }
        let num_text = &self.src[start..self.pos];
        // a unit suffix makes it a timespan
        let unit_start = self.pos;
        while self.pos < bytes.len() && (bytes[self.pos] as char).is_ascii_alphabetic() {
            self.pos += 1;
        }
        let unit = &self.src[unit_start..self.pos];
        if !unit.is_empty() {
            let ns = crate::time::timespan_of(num_text, unit).map_err(|e| KqlError::at(Span::new(start, self.pos), e.to_string()))?;
            self.push(Tok::Timespan(ns), start);
            return Ok(());
        }
        if is_real {
            let v: f64 = num_text.parse().map_err(|_| KqlError::at(Span::new(start, self.pos), "bad number"))?;
            self.push(Tok::Real(v), start);
        } else {
            match num_text.parse::<i64>() {
                Ok(v) => self.push(Tok::Long(v), start),
                Err(_) => {
                    let v: f64 = num_text.parse().map_err(|_| KqlError::at(Span::new(start, self.pos), "bad number"))?;
                    self.push(Tok::Real(v), start)
                }
            }
        }
        Ok(())
    }

    fn ident(&mut self) -> Result<(), KqlError> {
        let start = self.pos;
        let first = self.peek().unwrap_or('_');
        self.pos += first.len_utf8();
        while let Some(c) = self.peek() {
            if is_ident_char(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        let word = &self.src[start..self.pos];
        // obfuscated strings: h"…", H'…', h@"…"
        if (word == "h" || word == "H") && matches!(self.peek(), Some('"' | '\'' | '@')) {
            match self.peek() {
                Some('@') if matches!(self.peek_at(1), Some('"' | '\'')) => {
                    self.pos += 1;
                    let q = self.peek().unwrap_or('"');
                    let s = self.string(q, true)?;
                    self.push(Tok::Str(s), start);
                    return Ok(());
                }
                Some(q @ ('"' | '\'')) => {
                    let s = self.string(q, false)?;
                    self.push(Tok::Str(s), start);
                    return Ok(());
                }
                _ => {}
            }
        }
        let lower = word.to_ascii_lowercase();
        if TYPED_LITERALS.contains(&lower.as_str()) {
            // only when `(` follows (after optional spaces): `datetime(2024-01-01 10:00)`
            let rest = &self.src[self.pos..];
            let trimmed = rest.trim_start();
            if trimmed.starts_with('(') {
                let open = self.pos + (rest.len() - trimmed.len());
                let close = self.src[open..].find(')').map(|i| open + i).ok_or_else(|| {
                    KqlError::at(Span::new(start, self.src.len()), format!("'{word}(' without ')'"))
                })?;
                let raw = self.src[open + 1..close].trim().to_string();
                self.pos = close + 1;
                self.push(Tok::Typed { kind: lower, raw }, start);
                return Ok(());
            }
        }
        self.push(Tok::Ident(word.to_string()), start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn basic_tokens_and_spans() {
        let t = tokenize("T | where x>=1.5 // c\n and y =~ 'a'").unwrap();
        let kinds: Vec<Tok> = t.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Ident("T".into()),
                Tok::Punct("|"),
                Tok::Ident("where".into()),
                Tok::Ident("x".into()),
                Tok::Punct(">="),
                Tok::Real(1.5),
                Tok::Ident("and".into()),
                Tok::Ident("y".into()),
                Tok::Punct("=~"),
                Tok::Str("a".into()),
                Tok::Eof
            ]
        );
        assert_eq!(t[3].span, Span::new(10, 11));
    }

    #[test]
    fn strings() {
        assert_eq!(toks(r#""a\"b\\c\n""#), vec![Tok::Str("a\"b\\c\n".into()), Tok::Eof]);
        assert_eq!(toks(r#"@"C:\temp""""#), vec![Tok::Str("C:\\temp\"".into()), Tok::Eof]);
        assert_eq!(toks("'it\\'s'"), vec![Tok::Str("it's".into()), Tok::Eof]);
        assert_eq!(toks("h'secret'"), vec![Tok::Str("secret".into()), Tok::Eof]);
        assert_eq!(toks("```a\nb```"), vec![Tok::Str("a\nb".into()), Tok::Eof]);
        assert!(tokenize("'abc").is_err());
    }

    #[test]
    fn numbers_and_timespans() {
        assert_eq!(toks("1d 2h 30m 10s 100ms 1.5h"), vec![
            Tok::Timespan(86_400_000_000_000),
            Tok::Timespan(7_200_000_000_000),
            Tok::Timespan(1_800_000_000_000),
            Tok::Timespan(10_000_000_000),
            Tok::Timespan(100_000_000),
            Tok::Timespan(5_400_000_000_000),
            Tok::Eof
        ]);
        assert_eq!(toks("42 0x10 1e3"), vec![Tok::Long(42), Tok::Long(16), Tok::Real(1000.0), Tok::Eof]);
        assert_eq!(toks("1 .. 5"), vec![Tok::Long(1), Tok::Punct(".."), Tok::Long(5), Tok::Eof]);
        assert_eq!(toks("1..5"), vec![Tok::Long(1), Tok::Punct(".."), Tok::Long(5), Tok::Eof]);
        assert!(tokenize("12abc").is_err());
        // The units are crate::time's: the same table as offsets and Log Analytics timespans.
        assert_eq!(toks("2tick 10microsecond 1week"), vec![
            Tok::Timespan(200),
            Tok::Timespan(10_000),
            Tok::Timespan(604_800_000_000_000),
            Tok::Eof
        ]);
        let e = tokenize("T | where t > ago(1mon)").unwrap_err();
        assert!(format!("{e:?}").contains("months and years have no fixed length"), "{e:?}");
        assert!(format!("{:?}", tokenize("99999999999d").unwrap_err()).contains("out of range"));
    }

    #[test]
    fn typed_literals_are_raw() {
        assert_eq!(
            toks("datetime(2024-01-01 10:00) time(1.02:00:00) datetime (null)"),
            vec![
                Tok::Typed { kind: "datetime".into(), raw: "2024-01-01 10:00".into() },
                Tok::Typed { kind: "time".into(), raw: "1.02:00:00".into() },
                Tok::Typed { kind: "datetime".into(), raw: "null".into() },
                Tok::Eof
            ]
        );
        // a column named `time` is still a name
        assert_eq!(toks("bin(time, 1h)")[2], Tok::Ident("time".into()));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in ["", "\"", "@", "@'", "h", "0x", "0xzz", "1.", "1e", "1e+", "datetime(", "é€ü", "`", "\\", "1..", ".5"] {
            let _ = tokenize(s);
        }
    }
}
