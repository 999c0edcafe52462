//! Stage: clean, HTML entity decoding. Text that may still carry HTML entities
//! goes in (`&amp;`, `&nbsp;`, `&#8217;`, `&#x2014;`); the same text with the
//! common named entities and every valid numeric reference decoded comes out.
//!
//! It does not parse HTML, strip tags or decode recursively: `&amp;amp;`
//! becomes `&amp;`, once, because the source double-escaped it and we should
//! not guess further. Unknown or malformed references are left as written.

use std::borrow::Cow;

/// The longest entity name we look for (`&thinsp;` is 6; leave headroom).
const MAX_NAME: usize = 10;

/// Decode HTML character references. Borrows when there is nothing to do,
/// which is the case for almost every plain-text article.
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Parse one reference right after an `&`; returns the replacement and how
/// many bytes (including the `;`) it used.
fn reference(after: &str) -> Option<(Cow<'static, str>, usize)> {
    let semi = after.bytes().take(MAX_NAME + 2).position(|b| b == b';')?;
    let name = &after[..semi];
    let decoded = if let Some(num) = name.strip_prefix('#') {
        numeric(num)?
    } else {
        Cow::Borrowed(named(name)?)
    };
    Some((decoded, semi + 1))
}

/// `#8217` / `#x2019`. Code points 128–159 are read as Windows-1252, as HTML5
/// does, because pages from Word-era CMSes write `&#146;` meaning a curly
/// apostrophe. NUL, surrogates and out-of-range values stay undecoded.
fn numeric(num: &str) -> Option<Cow<'static, str>> {
    let value = match num.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        Some(_) => return None,
        None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok()?,
        None => return None,
    };
    if (0x80..=0x9F).contains(&value) {
        let byte = [u8::try_from(value).ok()?];
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
        return Some(Cow::Owned(text.into_owned()));
    }
    if value == 0 {
        return None;
    }
    char::from_u32(value).map(|c| Cow::Owned(c.to_string()))
}

/// The named entities that actually turn up in news text. Case-sensitive, as
/// in HTML (`&Eacute;` is not `&eacute;`).
fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{A0}",
        "shy" => "\u{AD}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "thinsp" => "\u{2009}",
        "zwsp" => "\u{200B}",
        "zwnj" => "\u{200C}",
        "zwj" => "\u{200D}",
        "ndash" => "–",
        "mdash" => "—",
        "minus" => "−",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "lsaquo" => "‹",
        "rsaquo" => "›",
        "hellip" => "…",
        "bull" => "•",
        "middot" => "·",
        "prime" => "′",
        "Prime" => "″",
        "dagger" => "†",
        "Dagger" => "‡",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "micro" => "µ",
        "sect" => "§",
        "para" => "¶",
        "pound" => "£",
        "euro" => "€",
        "yen" => "¥",
        "cent" => "¢",
        "iexcl" => "¡",
        "iquest" => "¿",
        "aacute" => "á",
        "Aacute" => "Á",
        "agrave" => "à",
        "Agrave" => "À",
        "acirc" => "â",
        "Acirc" => "Â",
        "auml" => "ä",
        "Auml" => "Ä",
        "atilde" => "ã",
        "Atilde" => "Ã",
        "aring" => "å",
        "Aring" => "Å",
        "aelig" => "æ",
        "AElig" => "Æ",
        "ccedil" => "ç",
        "Ccedil" => "Ç",
        "eacute" => "é",
        "Eacute" => "É",
        "egrave" => "è",
        "Egrave" => "È",
        "ecirc" => "ê",
        "Ecirc" => "Ê",
        "euml" => "ë",
        "Euml" => "Ë",
        "iacute" => "í",
        "Iacute" => "Í",
        "igrave" => "ì",
        "Igrave" => "Ì",
        "icirc" => "î",
        "Icirc" => "Î",
        "iuml" => "ï",
        "Iuml" => "Ï",
        "ntilde" => "ñ",
        "Ntilde" => "Ñ",
        "oacute" => "ó",
        "Oacute" => "Ó",
        "ograve" => "ò",
        "Ograve" => "Ò",
        "ocirc" => "ô",
        "Ocirc" => "Ô",
        "ouml" => "ö",
        "Ouml" => "Ö",
        "otilde" => "õ",
        "Otilde" => "Õ",
        "oslash" => "ø",
        "Oslash" => "Ø",
        "uacute" => "ú",
        "Uacute" => "Ú",
        "ugrave" => "ù",
        "Ugrave" => "Ù",
        "ucirc" => "û",
        "Ucirc" => "Û",
        "uuml" => "ü",
        "Uuml" => "Ü",
        "yacute" => "ý",
        "yuml" => "ÿ",
        "szlig" => "ß",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_common_references_and_leaves_the_rest() {
        let cases = [
            ("AT&amp;T", "AT&T"),
            ("a&nbsp;b", "a\u{A0}b"),
            ("Putin&#8217;s", "Putin’s"),
            ("Putin&#x2019;s", "Putin’s"),
            ("&quot;yes&quot;", "\"yes\""),
            ("caf&eacute;", "café"),
            ("Word&#146;s", "Word’s"),
            ("1972&ndash;1975", "1972–1975"),
            // Double-escaped stays escaped once: we do not guess further.
            ("&amp;amp;", "&amp;"),
            // Not references: left as written.
            ("Marks & Spencer", "Marks & Spencer"),
            ("R&D; spending", "R&D; spending"),
            ("&#;", "&#;"),
            ("&#x;", "&#x;"),
            ("&#0;", "&#0;"),
            ("&#xD800;", "&#xD800;"),
            ("&#99999999999;", "&#99999999999;"),
            ("&averyveryverylongname;", "&averyveryverylongname;"),
            ("trailing &", "trailing &"),
            ("&", "&"),
        ];
        for (input, expected) in cases {
            assert_eq!(decode(input), expected, "input: {input:?}");
        }
    }
}
