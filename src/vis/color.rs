//! Colours: the fixed categorical palettes groups are coloured from, and CSS colour text.
//!
//! Groups take [`CATEGORY10`] (d3/Bokeh `Category10`) when there are at most ten of them and [`CATEGORY20`] (its
//! paired light/dark version) cycled beyond that, in group order, so a group's colour depends only on its position.
//! Colours cross the wasm boundary as `[r, g, b]` bytes or `#rrggbb` text.

use crate::error::{Error, Result};

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Bokeh/d3 `Category10`.
pub const CATEGORY10: [Rgb; 10] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
];

/// Bokeh/d3 `Category20` (each `Category10` colour followed by its light version).
pub const CATEGORY20: [Rgb; 20] = [
    [0x1f, 0x77, 0xb4],
    [0xae, 0xc7, 0xe8],
    [0xff, 0x7f, 0x0e],
    [0xff, 0xbb, 0x78],
    [0x2c, 0xa0, 0x2c],
    [0x98, 0xdf, 0x8a],
    [0xd6, 0x27, 0x28],
    [0xff, 0x98, 0x96],
    [0x94, 0x67, 0xbd],
    [0xc5, 0xb0, 0xd5],
    [0x8c, 0x56, 0x4b],
    [0xc4, 0x9c, 0x94],
    [0xe3, 0x77, 0xc2],
    [0xf7, 0xb6, 0xd2],
    [0x7f, 0x7f, 0x7f],
    [0xc7, 0xc7, 0xc7],
    [0xbc, 0xbd, 0x22],
    [0xdb, 0xdb, 0x8d],
    [0x17, 0xbe, 0xcf],
    [0x9e, 0xda, 0xe5],
];

/// msticpy's default series colour.
pub const NAVY: Rgb = [0x00, 0x00, 0x80];

/// The colour of group `index` out of `count` groups.
pub fn palette_color(index: usize, count: usize) -> Rgb {
    if count <= CATEGORY10.len() {
        CATEGORY10[index % CATEGORY10.len()]
    } else {
        CATEGORY20[index % CATEGORY20.len()]
    }
}

/// `#rrggbb` text of a colour.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// `c` blended over `background` with opacity `alpha` (0–1): how a translucent Bokeh glyph looks on that background,
/// as an opaque colour.
pub fn tint(c: Rgb, background: Rgb, alpha: f64) -> Rgb {
    let a = if alpha.is_finite() { alpha.clamp(0.0, 1.0) } else { 1.0 };
    let mix = |f: u8, b: u8| (f as f64 * a + b as f64 * (1.0 - a)).round().clamp(0.0, 255.0) as u8;
    [
        mix(c[0], background[0]),
        mix(c[1], background[1]),
        mix(c[2], background[2]),
    ]
}

const NAMED: &[(&str, Rgb)] = &[
    ("black", [0, 0, 0]),
    ("white", [255, 255, 255]),
    ("navy", NAVY),
    ("blue", [0, 0, 255]),
    ("darkblue", [0, 0, 139]),
    ("steelblue", [70, 130, 180]),
    ("red", [255, 0, 0]),
    ("darkred", [139, 0, 0]),
    ("crimson", [220, 20, 60]),
    ("green", [0, 128, 0]),
    ("darkgreen", [0, 100, 0]),
    ("lime", [0, 255, 0]),
    ("olive", [128, 128, 0]),
    ("teal", [0, 128, 128]),
    ("cyan", [0, 255, 255]),
    ("aqua", [0, 255, 255]),
    ("magenta", [255, 0, 255]),
    ("fuchsia", [255, 0, 255]),
    ("purple", [128, 0, 128]),
    ("indigo", [75, 0, 130]),
    ("maroon", [128, 0, 0]),
    ("brown", [165, 42, 42]),
    ("orange", [255, 165, 0]),
    ("gold", [255, 215, 0]),
    ("yellow", [255, 255, 0]),
    ("pink", [255, 192, 203]),
    ("gray", [128, 128, 128]),
    ("grey", [128, 128, 128]),
    ("silver", [192, 192, 192]),
    ("lightgray", [211, 211, 211]),
    ("lightgrey", [211, 211, 211]),
    ("darkgray", [169, 169, 169]),
    ("darkgrey", [169, 169, 169]),
];

/// A colour from CSS text: `#rgb`, `#rrggbb` or a common name (`navy`, `red`, `steelblue` …).
pub fn parse_color(text: &str) -> Result<Rgb> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(h) = t.strip_prefix('#') {
        let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        let b = h.as_bytes();
        let parsed = match b.len() {
            3 => b.iter().map(|&c| nib(c).map(|d| d * 17)).collect::<Option<Vec<u8>>>(),
            6 => b
                .chunks(2)
                .map(|p| Some(nib(p[0])? * 16 + nib(p[1])?))
                .collect::<Option<Vec<u8>>>(),
            _ => None,
        };
        if let Some([r, g, bl]) = parsed.as_deref() {
            return Ok([*r, *g, *bl]);
        }
    } else if let Some((_, c)) = NAMED.iter().find(|(n, _)| *n == t) {
        return Ok(*c);
    }
    Err(Error::invalid(format!(
        "'{text}' is not a colour (use #rrggbb, #rgb or a name such as navy, red, steelblue)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(parse_color("navy").unwrap(), NAVY);
        assert_eq!(parse_color(" #1F77b4 ").unwrap(), [0x1f, 0x77, 0xb4]);
        assert_eq!(parse_color("#f00").unwrap(), [255, 0, 0]);
        for bad in ["", "#", "#12345", "#gg0000", "notacolour", "#ffé"] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
        assert_eq!(hex([0x1f, 0x77, 0xb4]), "#1f77b4");
        assert_eq!(palette_color(11, 10), CATEGORY10[1]);
        assert_eq!(palette_color(11, 12), CATEGORY20[11]);
        assert_eq!(tint([0, 0, 0], [255, 255, 255], 0.5), [128, 128, 128]);
        assert_eq!(tint([10, 20, 30], [0, 0, 0], f64::NAN), [10, 20, 30]);
    }
}
