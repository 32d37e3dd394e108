//! An HTML `<table>` of a [`Frame`], every cell escaped.
//!
//! Log data is attacker-controlled: a user name, a command line or a URL can hold markup. Every header and cell goes
//! through [`escape_html`]; nothing from the data is ever written as markup.

use super::rows::display_text;
use super::Frame;

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

/// Escapes the five characters that are markup in HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
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
            "<th title=\"{}\">{}</th>",
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
                        let cut: String = text.chars().take(opts.max_cell_chars).collect();
                        out.push_str(&format!("<td title=\"{}\">{}…</td>", escape_html(&text), escape_html(&cut)));
                    } else {
                        out.push_str(&format!("<td>{}</td>", escape_html(&text)));
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
