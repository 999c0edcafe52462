//! Stage: decode. A file's bytes in, its text out: BOM-aware, UTF-8 first,
//! then Windows-1252 (the superset of Latin-1 that real "Latin-1" files are
//! written in), recording whether the fallback was used. Binary content is
//! refused with a reason instead of being decoded into garbage.
//!
//! It does not sniff HTML `<meta charset>` beyond UTF-8/1252: pages saved
//! by modern browsers are UTF-8, and older ones are almost always 1252.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decoded text and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with any BOM removed.
    pub text: String,
    /// Name of the encoding used.
    pub encoding: &'static str,
    /// True when the bytes were not valid in the chosen encoding and some
    /// characters were replaced.
    pub lossy: bool,
}

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Zero bytes, or only whitespace.
    #[error("empty file")]
    Empty,
    /// NUL bytes or many control characters: an image, archive or executable.
    #[error("binary file (not text)")]
    Binary,
}

/// Decode bytes to text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_owned(Cow::Borrowed(bytes))
}

/// [`decode`], taking the buffer when the caller gives it up: valid UTF-8
/// without a BOM (nearly every file) then becomes the text without a copy,
/// which on a 1 GB ingest saves a gigabyte of copying and the page faults
/// of as much fresh memory.
pub fn decode_owned(bytes: Cow<'_, [u8]>) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return finish(String::from_utf8_lossy(rest).into_owned(), "UTF-8", false);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        let (text, _, lossy) = enc.decode(&bytes);
        return finish(text.into_owned(), enc.name(), lossy);
    }
    if looks_binary(&bytes) {
        return Err(DecodeError::Binary);
    }
    let bytes = match bytes {
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(text) => return finish(text, "UTF-8", false),
            Err(e) => Cow::Owned(e.into_bytes()),
        },
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(text) => return finish(text.to_string(), "UTF-8", false),
            Err(_) => Cow::Borrowed(b),
        },
    };
    // Not UTF-8: decode as Windows-1252, which maps every byte, so a
    // Latin-1 "£" (0xA3) comes out as "£" rather than U+FFFD.
    let (text, _, lossy) = WINDOWS_1252.decode(&bytes);
    finish(text.into_owned(), "windows-1252", lossy)
}

fn finish(text: String, encoding: &'static str, lossy: bool) -> Result<Decoded, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded {
        text,
        encoding,
        lossy,
    })
}

/// One line of a file read line by line: UTF-8 as is, else Windows-1252
/// (as [`decode`] does for a whole file).
pub fn decode_line(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => WINDOWS_1252.decode(bytes).0,
    }
}

/// Binary sniffing on the first 8 KiB: any NUL, or more than 10% control
/// characters other than tab/CR/LF/FF. Text encodings we accept never
/// contain NUL (UTF-16 is caught by its BOM before this runs).
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    // Counted in byte-wide lanes, 255 bytes at a time (a lane cannot
    // overflow), which the compiler turns into vector compares and adds: a
    // filtered count went byte by byte, about five instructions per byte of
    // every file read (cachegrind, BBC ingest: 24 million fewer of 2,555
    // million).
    let controls: usize = head
        .chunks(255)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                n + u8::from(b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
            });
            usize::from(n)
        })
        .sum();
    controls * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let d = decode("Café £5".as_bytes()).expect("text");
        assert_eq!(d.text, "Café £5");
        assert_eq!(d.encoding, "UTF-8");
        assert!(!d.lossy);
    }

    #[test]
    fn bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFHello").expect("text");
        assert_eq!(d.text, "Hello");
    }

    #[test]
    fn latin1_pound_sign_survives() {
        let d = decode(b"Price \xA35 for caf\xE9").expect("text");
        assert_eq!(d.text, "Price £5 for café");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn windows_1252_quotes() {
        let d = decode(b"\x93quoted\x94 \x96 dash").expect("text");
        assert_eq!(d.text, "\u{201c}quoted\u{201d} \u{2013} dash");
    }

    #[test]
    fn utf16_with_bom() {
        let d = decode(b"\xFF\xFEH\x00i\x00").expect("text");
        assert_eq!(d.text, "Hi");
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t "), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\x00\x00"),
            Err(DecodeError::Binary)
        );
        assert_eq!(
            decode(&[1u8, 2, 3, 4, 5, 6, 7, 8]),
            Err(DecodeError::Binary)
        );
    }

    #[test]
    fn binary_means_more_than_a_tenth_control_bytes_in_the_head() {
        // Spread over several of the count's 255-byte chunks: 100 control
        // bytes in 1,000 is text, 101 is binary; tab, newline, carriage
        // return and form feed never count.
        let page = |controls: usize, byte: u8| {
            let mut v = vec![b'a'; 1000];
            for i in 0..controls {
                v[i * 9] = byte;
            }
            v
        };
        assert!(!looks_binary(&page(100, 0x1B)));
        assert!(looks_binary(&page(101, 0x1B)));
        for allowed in [b'\t', b'\n', b'\r', 0x0C] {
            assert!(!looks_binary(&page(111, allowed)));
        }
        // Only the first 8 KiB are read: controls after it do not count.
        let mut long = vec![b'a'; 8192];
        long.extend(std::iter::repeat_n(0x1Bu8, 8192));
        assert!(!looks_binary(&long));
        let mut head = vec![0x1Bu8; 820];
        head.extend(std::iter::repeat_n(b'a', 7372));
        assert!(looks_binary(&head));
        // Every lane full: 255 control bytes in one chunk count in full.
        assert!(looks_binary(&[0x01u8; 2000]));
    }
}
