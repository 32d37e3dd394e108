//! An HTML `<table>` of a [`Frame`], every cell escaped.
//!
//! Log data is attacker-controlled: a user name, a command line or a URL can hold markup. Every header and cell goes
//! through [`escape_html`]; nothing from the data is ever written as markup.

use super::rows::display_text;
use super::Frame;

/// Cells showing more characters than this get `class="huntbook-long"`, which the stylesheet (js/html.js) caps at
/// 40em with an ellipsis. Shorter cells fit in 40em (a character of the table's font is at most about 1em wide) and
/// are left unclipped: `overflow: hidden` on every cell of a wide table was a quarter of its paint in Chromium
/// (SigninLogs' 20 × 76 cells: 135 → 97 ms, medians of 7 fresh pages).
pub const CLIP_CHARS: usize = 40;

/// ` class="huntbook-long"` for a header or cell showing more than [`CLIP_CHARS`] characters (a hidden character is
/// shown as `⟨U+XXXX⟩`, 8 more), else nothing.
fn long_class(text: &str) -> &'static str {
    let shown = text
        .chars()
        .map(|c| if is_hidden_char(c) { 9 } else { 1 })
        .try_fold(0usize, |n, w| n.checked_add(w).filter(|&n| n <= CLIP_CHARS));
    if shown.is_some() {
        ""
    } else {
        " class=\"huntbook-long\""
    }
}

/// Options of [`to_html`].
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// Rows shown; the rest are counted in a "N more rows" line.
    pub max_rows: usize,
    /// Characters shown of a cell; longer text is cut with "…" (the full text is in the cell's `title`).
    pub max_cell_chars: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            max_rows: 20,
            max_cell_chars: 200,
        }
    }
}

/// Whether `c` changes how the text around it is shown, or is not shown at all: bidi controls (U+202A–U+202E,
/// U+2066–U+2069, U+200E/F, U+061C — an attacker's `exe.txt` written as `txt.exe`), zero-width and other format
/// characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, soft hyphen, Hangul fillers, tag characters …) and control
/// characters other than tab, line feed and carriage return.
pub fn is_hidden_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e007f}')
}

/// `s` with every [hidden character](is_hidden_char) written visibly as `⟨U+202E⟩`: the one function for text
/// from logs shown to a person — HTML tables (through [`escape_html`]), timeline tooltips and legends, chart labels
/// (JS calls it as `visibleText`).
pub fn show_hidden(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_hidden_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hidden_char(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Escapes the five characters that are markup in HTML text and attribute values, and shows
/// [hidden characters](show_hidden) visibly.
pub fn escape_html(s: &str) -> String {
    let s = show_hidden(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The table as HTML: for a partial result first a `<div class="huntbook-partial">` banner with the service's
/// message; then a `<table class="huntbook-table">` with a header row, then at most `max_rows` rows, then a
/// `<div class="huntbook-more">` saying how many rows were left out.
pub fn to_html(frame: &Frame, opts: &HtmlOptions) -> String {
    let df = frame.df();
    let shown = df.height().min(opts.max_rows);
    let mut out = String::new();
    if let Some(msg) = &frame.partial {
        out.push_str(&format!(
            "<div class=\"huntbook-partial\" role=\"alert\">Partial result — the service reported: {}</div>",
            escape_html(msg)
        ));
    }
    out.push_str("<table class=\"huntbook-table\"><thead><tr>");
    for (name, kind) in frame.schema() {
        out.push_str(&format!(
            "<th{} title=\"{}\">{}</th>",
            long_class(&name),
            escape_html(kind.wire_name()),
            escape_html(&name)
        ));
    }
    out.push_str("</tr></thead><tbody>");
    for i in 0..shown {
        out.push_str("<tr>");
        for col in df.columns() {
            match col.get(i).ok().as_ref().and_then(display_text) {
                None => out.push_str("<td class=\"huntbook-null\"></td>"),
                Some(text) => {
                    let chars = text.chars().count();
                    if chars > opts.max_cell_chars {
                        let mut cut: String = text.chars().take(opts.max_cell_chars).collect();
                        cut.push('…');
                        out.push_str(&format!(
                            "<td{} title=\"{}\">{}</td>",
                            long_class(&cut),
                            escape_html(&text),
                            escape_html(&cut)
                        ));
                    } else {
                        out.push_str(&format!("<td{}>{}</td>", long_class(&text), escape_html(&text)));
                    }
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if df.height() > shown {
        let more = df.height() - shown;
        out.push_str(&format!(
            "<div class=\"huntbook-more\">{more} more row{}</div>",
            if more == 1 { "" } else { "s" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_cells_and_headers_are_marked_for_clipping() {
        let forty = "x".repeat(40);
        let long_name = "n".repeat(41);
        let rows = format!(
            r#"[{{"a":"{forty}","{long_name}":"{forty}y"}},{{"a":"ab\u202ecd\u202ef\u202eg\u202eh","{long_name}":"é"}}]"#
        );
        let f: Frame = crate::frame::text::read_json_rows(rows.as_bytes(), "t").unwrap();
        let html = to_html(&f, &HtmlOptions::default());
        assert!(html.contains("<th title=\"string\">a</th>"), "{html}");
        assert!(html.contains(&format!("<th class=\"huntbook-long\" title=\"string\">{long_name}</th>")), "{html}");
        assert!(html.contains(&format!("<td>{forty}</td>")), "40 characters fit: {html}");
        assert!(html.contains(&format!("<td class=\"huntbook-long\">{forty}y</td>")), "{html}");
        // 8 characters and 4 hidden ones: 44 shown.
        assert!(html.contains("<td class=\"huntbook-long\">ab⟨U+202E⟩cd⟨U+202E⟩"), "{html}");
        assert!(html.contains("<td>é</td>"), "{html}");
        // A cut cell is marked by what it shows; its title keeps the whole text.
        let cut = to_html(&f, &HtmlOptions { max_rows: 20, max_cell_chars: 10 });
        assert!(cut.contains(&format!("<td title=\"{forty}\">xxxxxxxxxx…</td>")), "{cut}");
        let cut = to_html(&f, &HtmlOptions { max_rows: 20, max_cell_chars: 40 });
        assert!(cut.contains(&format!("<td class=\"huntbook-long\" title=\"{forty}y\">{forty}…</td>")), "{cut}");
    }
}
