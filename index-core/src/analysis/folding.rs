//! Accent folding: which plain ASCII spelling does this Latin letter stand for?
//!
//! So that `café`, `Cafe` and `CAFÉ` meet in one term, letters with diacritics, ligatures and special
//! Latin letters are replaced by their ASCII spelling, as Lucene's `ASCIIFoldingFilter` does for the
//! same characters: é → e, ß → ss, æ → ae, ø → o, ł → l, œ → oe, þ → th. Covered: Latin-1 Supplement
//! and Latin Extended-A in full, capital sharp s, the Latin ligatures (ﬁ ﬂ ..., common in text extracted
//! from PDFs), the fullwidth ASCII forms, and the typographic apostrophes that the tokenizer keeps
//! inside words (`’` → `'`, so that "don’t" and "don't" are one term).
//!
//! The table gives the **lowercase** spelling directly, because folding runs right after lowercasing
//! and a few capitals lowercase badly on their own (İ lowercases to i + combining dot; folded first it
//! is plain i).

/// Printable ASCII (U+0020..U+007E) with the capitals already lowercased: the fullwidth forms
/// U+FF01..U+FF5E fold to the slice of one byte at their ASCII position.
const LOWERCASE_PRINTABLE_ASCII: &str =
    " !\"#$%&'()*+,-./0123456789:;<=>?@abcdefghijklmnopqrstuvwxyz[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Offset from a fullwidth form (U+FF01..U+FF5E) to its ASCII character.
const FULLWIDTH_TO_ASCII: u32 = 0xFEE0;

/// The lowercase ASCII spelling of `c`, or `None` if `c` is not folded (plain ASCII included).
pub(crate) fn fold(c: char) -> Option<&'static str> {
    let folded = match c {
        // Latin-1 Supplement, U+00C0..U+00FF (× and ÷ are not letters).
        'À'..='Å' | 'à'..='å' | 'ª' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' => "c",
        'È'..='Ë' | 'è'..='ë' => "e",
        'Ì'..='Ï' | 'ì'..='ï' => "i",
        'Ð' | 'ð' => "d",
        'Ñ' | 'ñ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'º' => "o",
        'Ù'..='Ü' | 'ù'..='ü' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'Þ' | 'þ' => "th",
        'ß' | 'ẞ' => "ss",
        // Latin Extended-A, U+0100..U+017F: runs of capital/small pairs of one base letter.
        'Ā'..='ą' => "a",
        'Ć'..='č' => "c",
        'Ď'..='đ' => "d",
        'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ' | 'ķ' => "k",
        // Greenlandic kra, folded as Lucene does.
        'ĸ' => "q",
        'Ĺ'..='ł' => "l",
        'Ń'..='ŋ' => "n",
        'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' => "s",
        'Ţ'..='ŧ' => "t",
        'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        // Alphabetic Presentation Forms: the Latin ligatures.
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        // Apostrophes the tokenizer joins words across.
        '\u{2018}' | '\u{2019}' => "'",
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = (c as u32 - FULLWIDTH_TO_ASCII) as usize;
            let at = ascii - ' ' as usize;
            &LOWERCASE_PRINTABLE_ASCII[at..at + 1]
        }
        _ => return None,
    };
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_examples() {
        for (c, expected) in [
            ('é', "e"),
            ('É', "e"),
            ('ß', "ss"),
            ('æ', "ae"),
            ('Æ', "ae"),
            ('ø', "o"),
            ('ł', "l"),
            ('Ł', "l"),
            ('œ', "oe"),
            ('þ', "th"),
            ('İ', "i"),
            ('ı', "i"),
            ('ñ', "n"),
            ('ç', "c"),
            ('ÿ', "y"),
            ('Ÿ', "y"),
            ('ž', "z"),
            ('ſ', "s"),
            ('ﬁ', "fi"),
            ('’', "'"),
        ] {
            assert_eq!(fold(c), Some(expected), "{c}");
        }
    }

    #[test]
    fn every_latin1_and_extended_a_letter_folds_to_lowercase_ascii() {
        let letters = ('\u{00C0}'..='\u{017F}').filter(|c| !matches!(c, '×' | '÷'));
        for c in letters {
            let folded =
                fold(c).unwrap_or_else(|| panic!("{c} (U+{:04X}) is not folded", c as u32));
            assert!(
                !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_lowercase()),
                "{c} → {folded}"
            );
        }
    }

    #[test]
    fn capital_and_small_forms_fold_alike() {
        for c in '\u{00C0}'..='\u{017F}' {
            let lower: Vec<char> = c.to_lowercase().collect();
            if lower.len() == 1 && lower[0] != c && c != 'İ' {
                assert_eq!(fold(c), fold(lower[0]), "{c} and {}", lower[0]);
            }
        }
    }

    #[test]
    fn fullwidth_forms_fold_to_ascii() {
        assert_eq!(fold('Ａ'), Some("a"));
        assert_eq!(fold('ｚ'), Some("z"));
        assert_eq!(fold('０'), Some("0"));
        assert_eq!(fold('９'), Some("9"));
        assert_eq!(fold('＇'), Some("'"));
        assert_eq!(fold('！'), Some("!"));
        assert_eq!(fold('～'), Some("~"));
    }

    #[test]
    fn other_scripts_and_ascii_are_left_alone() {
        for c in ['a', 'Z', '7', '\'', 'α', 'Ω', 'я', '中', 'µ', '×', '÷'] {
            assert_eq!(fold(c), None, "{c}");
        }
    }
}
