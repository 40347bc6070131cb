//! Tokenizer: where are the words in this text, and how is each one spelled as a term?
//!
//! Word boundaries follow Unicode's UAX #29 the way Lucene's `StandardTokenizer` applies them, which is
//! what lets us reproduce Lucene's BM25 numbers:
//!
//! - a word is a run of letters and digits, letters and digits joining each other ("covid19", "5mg");
//! - a single `'`, `’`, `.` or `:` between two letters joins them ("don't", "u.s.a" from "U.S.A.");
//!   a single `.`, `,`, `;` or `'` between two digits joins them ("3.14", "1,000");
//! - `_` (and the other connector punctuation) joins anything word-like on either side ("snake_case");
//! - combining marks and format characters stay inside the word they follow;
//! - each Han ideograph, Hiragana or Katakana character is a word of its own;
//! - anything else (space, hyphen, slash, other punctuation, symbols) separates words and is dropped
//!   (a departure: Lucene keeps emoji and pictographic symbols such as ©, ®, ™ and ↔ as words of
//!   their own; `bench/analysis-diff.ts` finds them in 27 of SciFact's 5,183 documents);
//! - a word longer than 255 UTF-16 code units is cut into pieces of at most that length, as Lucene's
//!   `maxTokenLength` does.
//!
//! Words are found as byte spans of the text (so `&text[start..end]` is the surface form), then
//! spelled as terms: full Unicode lowercasing followed by accent folding.

use super::folding::fold;

/// Lucene's `StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH`, counted like Java in UTF-16 code units.
pub(crate) const MAX_TOKEN_UTF16_UNITS: usize = 255;

/// A character's UAX #29 word-break property, reduced to what decides our boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordClass {
    /// Letters (UAX #29 ALetter and Hebrew_Letter; Hangul and South-East Asian letters too).
    Letter,
    /// Decimal digits (Numeric).
    Digit,
    /// Han ideographs, Hiragana and Katakana: one word per character.
    Ideograph,
    /// Joins two letters (MidLetter).
    MidLetter,
    /// Joins two digits (MidNum).
    MidNum,
    /// Joins two letters or two digits (MidNumLet and Single_Quote).
    MidNumLet,
    /// Joins anything word-like (ExtendNumLet: `_` and connector punctuation).
    ExtendNumLet,
    /// Stays attached to what precedes it (Extend, Format, ZWJ).
    Extend,
    /// Separates words.
    Other,
}

/// The classes of ASCII characters, looked up rather than tested: this is the tokenizer's hot path.
const ASCII_CLASSES: [WordClass; 128] = ascii_classes();

const fn ascii_classes() -> [WordClass; 128] {
    let mut classes = [WordClass::Other; 128];
    let mut byte = 0;
    while byte < 128 {
        classes[byte] = match byte as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => WordClass::Letter,
            b'0'..=b'9' => WordClass::Digit,
            b'.' | b'\'' => WordClass::MidNumLet,
            b':' => WordClass::MidLetter,
            b',' | b';' => WordClass::MidNum,
            b'_' => WordClass::ExtendNumLet,
            _ => WordClass::Other,
        };
        byte += 1;
    }
    classes
}

#[inline]
fn classify(c: char) -> WordClass {
    if c.is_ascii() {
        ASCII_CLASSES[c as usize]
    } else {
        classify_non_ascii(c)
    }
}

fn classify_non_ascii(c: char) -> WordClass {
    if is_extend_or_format(c) || is_brahmic_mark(c) {
        WordClass::Extend
    } else if is_ideograph_or_kana(c) {
        WordClass::Ideograph
    } else if c.is_alphabetic() {
        WordClass::Letter
    } else if c.is_numeric() && !is_other_number(c) {
        WordClass::Digit
    } else {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{2024}' | '\u{FE52}' | '\u{FF07}' | '\u{FF0E}' => {
                WordClass::MidNumLet
            }
            '\u{00B7}' | '\u{0387}' | '\u{05F4}' | '\u{2027}' | '\u{FE13}' | '\u{FE55}'
            | '\u{FF1A}' => WordClass::MidLetter,
            '\u{037E}' | '\u{0589}' | '\u{060C}' | '\u{060D}' | '\u{066C}' | '\u{07F8}'
            | '\u{2044}' | '\u{FE10}' | '\u{FE14}' | '\u{FE50}' | '\u{FE54}' | '\u{FF0C}'
            | '\u{FF1B}' => WordClass::MidNum,
            '\u{203F}'
            | '\u{2040}'
            | '\u{2054}'
            | '\u{FE33}'
            | '\u{FE34}'
            | '\u{FE4D}'..='\u{FE4F}'
            | '\u{FF3F}' => WordClass::ExtendNumLet,
            _ => WordClass::Other,
        }
    }
}

/// Combining marks of the common blocks, joiners, variation selectors and format characters (soft
/// hyphen, bidi marks), which UAX #29 keeps inside a word (rule WB4). Marks that Unicode counts as
/// alphabetic (most vowel signs of Indic scripts) are letters for `char::is_alphabetic` already.
fn is_extend_or_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05BD}' | '\u{05BF}'
        | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}' | '\u{05C7}' | '\u{0600}'..='\u{0605}'
        | '\u{0610}'..='\u{061A}' | '\u{061C}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DD}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{070F}' | '\u{180E}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{200C}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{20D0}'..='\u{20FF}' | '\u{3099}'..='\u{309A}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}' | '\u{FEFF}' | '\u{FF9E}'..='\u{FF9F}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E0100}'..='\u{E01EF}')
}

/// The combining signs of the Indic and South-East Asian scripts that Unicode does not count as
/// alphabetic (viramas, tone marks, nuktas): every non-letter, non-digit character of those blocks except
/// their punctuation and currency and number signs.
fn is_brahmic_mark(c: char) -> bool {
    let in_block = matches!(c, '\u{0900}'..='\u{0DFF}' | '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}');
    in_block
        && !c.is_alphanumeric()
        && !matches!(c,
            '\u{0964}' | '\u{0965}' | '\u{0970}' | '\u{09F2}'..='\u{09FB}' | '\u{0AF0}' | '\u{0AF1}' | '\u{0B70}'
            | '\u{0BF3}'..='\u{0BFA}' | '\u{0C77}' | '\u{0C7F}' | '\u{0D4F}' | '\u{0D79}' | '\u{0DF4}' | '\u{0E3F}'
            | '\u{0E4F}' | '\u{0E5A}' | '\u{0E5B}' | '\u{104A}'..='\u{104F}' | '\u{17D4}'..='\u{17DB}')
}

/// Han ideographs (with 々 and 〇), Hiragana and Katakana, full and halfwidth.
fn is_ideograph_or_kana(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}' | '\u{3005}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}'
        | '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9D}' | '\u{1B000}'..='\u{1B16F}' | '\u{20000}'..='\u{3134F}')
}

/// Numbers that are not decimal digits (superscripts, fractions, circled numbers): UAX #29 does not
/// count them as Numeric, so "m²" is the word "m" as in Lucene.
fn is_other_number(c: char) -> bool {
    matches!(c,
        '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{00BC}'..='\u{00BE}' | '\u{09F4}'..='\u{09F9}'
        | '\u{0BF0}'..='\u{0BF2}' | '\u{0F2A}'..='\u{0F33}' | '\u{1369}'..='\u{137C}' | '\u{2070}'..='\u{209F}'
        | '\u{2150}'..='\u{218F}' | '\u{2460}'..='\u{24FF}' | '\u{2776}'..='\u{2793}' | '\u{3192}'..='\u{3195}'
        | '\u{3220}'..='\u{3229}' | '\u{3248}'..='\u{325F}' | '\u{3280}'..='\u{3289}' | '\u{32B1}'..='\u{32BF}'
        | '\u{1F100}'..='\u{1F10C}')
}

/// The words of a text, as byte spans `(start, end)` in order.
pub(crate) struct WordSpans<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word resumes.
    cursor: usize,
}

impl<'a> WordSpans<'a> {
    pub(crate) fn new(text: &'a str) -> WordSpans<'a> {
        WordSpans { text, cursor: 0 }
    }

    #[inline]
    fn char_at(&self, at: usize) -> Option<char> {
        // Most text is ASCII: skip UTF-8 decoding for it.
        match self.text.as_bytes().get(at) {
            Some(&byte) if byte.is_ascii() => Some(byte as char),
            Some(_) => self.text[at..].chars().next(),
            None => None,
        }
    }

    /// Byte offset after the Extend characters starting at `at`.
    fn skip_extend(&self, mut at: usize) -> usize {
        while let Some(c) = self.char_at(at) {
            if classify(c) != WordClass::Extend {
                break;
            }
            at += c.len_utf8();
        }
        at
    }

    /// Scans the word starting at `start` (a letter, digit or `_` followed by one) and returns its end.
    fn scan_word(&self, start: usize) -> usize {
        // Most words are a run of ASCII letters and digits ended by an ASCII separator: no rule
        // but the length limit applies, and the run is found a byte at a time. Anything else (a
        // joining character, `_`, non-ASCII, the limit reached) goes through the rules from `start`.
        let bytes = self.text.as_bytes();
        let limit = bytes.len().min(start + MAX_TOKEN_UTF16_UNITS);
        let mut end = start;
        while end < limit && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        match bytes.get(end) {
            None => end,
            Some(&b) if b.is_ascii() && ASCII_CLASSES[b as usize] == WordClass::Other => end,
            _ => self.scan_word_by_rules(start),
        }
    }

    /// `scan_word` applying UAX #29's rules to every character.
    fn scan_word_by_rules(&self, start: usize) -> usize {
        let mut end = start;
        let mut units = 0;
        // The class of the last letter, digit or `_`, the one the UAX #29 rules look at.
        let mut last = WordClass::Other;
        while let Some(c) = self.char_at(end) {
            let class = classify(c);
            let (next, added) = match class {
                WordClass::Letter
                | WordClass::Digit
                | WordClass::ExtendNumLet
                | WordClass::Extend => (end + c.len_utf8(), c.len_utf16()),
                // Joins only a letter to a letter or a digit to a digit, so `last` stays as it is.
                WordClass::MidLetter | WordClass::MidNum | WordClass::MidNumLet => {
                    match self.joined_across(last, class, end + c.len_utf8()) {
                        Some(after) => (
                            after,
                            self.text[end..after].chars().map(char::len_utf16).sum(),
                        ),
                        None => break,
                    }
                }
                WordClass::Ideograph | WordClass::Other => break,
            };
            if units + added > MAX_TOKEN_UTF16_UNITS {
                break;
            }
            units += added;
            if matches!(
                class,
                WordClass::Letter | WordClass::Digit | WordClass::ExtendNumLet
            ) {
                last = class;
            }
            end = next;
        }
        end
    }

    /// Does the run of `_` (and Extend) starting at `at` end in a letter or digit?
    fn leads_to_word(&self, mut at: usize) -> bool {
        while let Some(c) = self.char_at(at) {
            match classify(c) {
                WordClass::ExtendNumLet | WordClass::Extend => at += c.len_utf8(),
                WordClass::Letter | WordClass::Digit => return true,
                _ => return false,
            }
        }
        false
    }

    /// If the separator of class `separator`, ending at `after_separator`, joins the word (whose last
    /// letter or digit has class `last`) to a following letter or digit, the end of that character.
    /// UAX #29 WB6/WB7 for letters, WB11/WB12 for digits.
    fn joined_across(
        &self,
        last: WordClass,
        separator: WordClass,
        after_separator: usize,
    ) -> Option<usize> {
        let at = self.skip_extend(after_separator);
        let c = self.char_at(at)?;
        let next = classify(c);
        let joins = match (last, next) {
            (WordClass::Letter, WordClass::Letter) => separator != WordClass::MidNum,
            (WordClass::Digit, WordClass::Digit) => separator != WordClass::MidLetter,
            _ => false,
        };
        if joins {
            Some(at + c.len_utf8())
        } else {
            None
        }
    }
}

impl Iterator for WordSpans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        while let Some(c) = self.char_at(self.cursor) {
            let start = self.cursor;
            let starts_word = match classify(c) {
                WordClass::Letter | WordClass::Digit => true,
                // `_` starts a word only if a letter or digit follows the run of `_`.
                WordClass::ExtendNumLet => self.leads_to_word(start),
                WordClass::Ideograph => {
                    self.cursor = self.skip_extend(start + c.len_utf8());
                    return Some((start, self.cursor));
                }
                _ => false,
            };
            if starts_word {
                self.cursor = self.scan_word(start);
                return Some((start, self.cursor));
            }
            self.cursor += c.len_utf8();
        }
        None
    }
}

/// Appends the term spelling of `surface` to `term`: full Unicode lowercasing, then accent folding.
pub(crate) fn push_term(surface: &str, term: &mut String) {
    if surface.is_ascii() {
        let from = term.len();
        term.push_str(surface);
        term[from..].make_ascii_lowercase();
        return;
    }
    for c in surface.chars() {
        if c.is_ascii() {
            term.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold(c) {
            term.push_str(folded);
        } else {
            for lower in c.to_lowercase() {
                match fold(lower) {
                    Some(folded) => term.push_str(folded),
                    None => term.push(lower),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The surface forms of the words of `text`.
    fn words(text: &str) -> Vec<&str> {
        WordSpans::new(text)
            .map(|(start, end)| &text[start..end])
            .collect()
    }

    fn term(surface: &str) -> String {
        let mut term = String::new();
        push_term(surface, &mut term);
        term
    }

    #[test]
    fn empty_and_punctuation_only_texts_have_no_words() {
        assert!(words("").is_empty());
        assert!(words("   \t\n").is_empty());
        assert!(words("... -- !? ' ’ , ; : _ __ / () [] «» “” ½ ²").is_empty());
    }

    #[test]
    fn splits_on_space_hyphen_slash_and_punctuation() {
        assert_eq!(
            words("Hello, world! diffusion-weighted and/or (MRI) x+y"),
            [
                "Hello",
                "world",
                "diffusion",
                "weighted",
                "and",
                "or",
                "MRI",
                "x",
                "y"
            ]
        );
    }

    #[test]
    fn joins_letters_across_apostrophes_periods_and_colons() {
        assert_eq!(
            words("don't don’t e.g. U.S.A. S:t"),
            ["don't", "don’t", "e.g", "U.S.A", "S:t"]
        );
        assert_eq!(
            words("patient's dogs' 'quoted'"),
            ["patient's", "dogs", "quoted"]
        );
        // Only a single separator between two letters joins.
        assert_eq!(
            words("a..b end. Next a.1"),
            ["a", "b", "end", "Next", "a", "1"]
        );
    }

    #[test]
    fn joins_digits_across_periods_commas_and_semicolons() {
        assert_eq!(
            words("3.14 1,000 1,000,000.5 p<0.05 1:2 1;2"),
            ["3.14", "1,000", "1,000,000.5", "p", "0.05", "1", "2", "1;2"]
        );
        assert_eq!(words("10.5. 7, 8"), ["10.5", "7", "8"]);
    }

    #[test]
    fn letters_and_digits_stay_together() {
        assert_eq!(
            words("covid19 5mg IL-6 h2o2 CD4+"),
            ["covid19", "5mg", "IL", "6", "h2o2", "CD4"]
        );
        // The rules look at the character class on each side: 'a.1' and '1.a' split.
        assert_eq!(words("v1.2 1.5x"), ["v1.2", "1.5x"]);
    }

    #[test]
    fn underscore_joins_and_is_kept_at_word_edges() {
        assert_eq!(
            words("snake_case __init__ a_1 _ __ x"),
            ["snake_case", "__init__", "a_1", "x"]
        );
        assert_eq!(words("foo_bar_"), ["foo_bar_"]);
    }

    #[test]
    fn unicode_letters_and_combining_marks() {
        assert_eq!(
            words("Café naïve Ελληνικά русский"),
            ["Café", "naïve", "Ελληνικά", "русский"]
        );
        // e + COMBINING ACUTE ACCENT stays one word; a soft hyphen stays inside it.
        assert_eq!(
            words("cafe\u{301} co\u{AD}operate"),
            ["cafe\u{301}", "co\u{AD}operate"]
        );
        assert_eq!(words("\u{301}abc"), ["abc"]);
        assert_eq!(words("العربية हिन्दी"), ["العربية", "हिन्दी"]);
    }

    #[test]
    fn each_ideograph_and_kana_is_a_word() {
        assert_eq!(words("中文分词"), ["中", "文", "分", "词"]);
        assert_eq!(
            words("ひらがなカタカナ"),
            ["ひ", "ら", "が", "な", "カ", "タ", "カ", "ナ"]
        );
        assert_eq!(words("DNA配列2023年"), ["DNA", "配", "列", "2023", "年"]);
        // A combining voiced sound mark stays with its kana.
        assert_eq!(words("か\u{3099}き"), ["か\u{3099}", "き"]);
    }

    #[test]
    fn symbols_and_other_numbers_separate() {
        assert_eq!(
            words("m² ½cup 25°C α-helix ①two"),
            ["m", "cup", "25", "C", "α", "helix", "two"]
        );
    }

    #[test]
    fn spans_are_byte_offsets_of_the_surface_form() {
        let text = "  Él dijo: «naïve» 3,5 km’s\u{3000}漢字!";
        let spans: Vec<(usize, usize)> = WordSpans::new(text).collect();
        let surfaces: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(surfaces, ["Él", "dijo", "naïve", "3,5", "km’s", "漢", "字"]);
        assert_eq!(spans[0], (2, 5));
        assert!(
            spans.windows(2).all(|w| w[0].1 <= w[1].0),
            "spans are ordered and disjoint"
        );
    }

    #[test]
    fn long_words_are_cut_at_255_utf16_units() {
        let long = "a".repeat(600);
        let lengths: Vec<usize> = words(&long).iter().map(|w| w.len()).collect();
        assert_eq!(lengths, [255, 255, 90]);
        // Characters outside the BMP count twice, as in Java; a character is never split.
        let astral = "𝐀".repeat(200);
        let units: Vec<usize> = words(&astral)
            .iter()
            .map(|w| w.encode_utf16().count())
            .collect();
        assert_eq!(units, [254, 146]);
        let exactly = "b".repeat(255);
        assert_eq!(words(&exactly), [exactly.as_str()]);
    }

    #[test]
    fn terms_are_lowercased_and_folded() {
        assert_eq!(term("Hello"), "hello");
        assert_eq!(term("CAFÉ"), "cafe");
        assert_eq!(term("Straße"), "strasse");
        assert_eq!(term("Ærøskøbing"), "aeroskobing");
        assert_eq!(term("Łódź"), "lodz");
        assert_eq!(term("İstanbul"), "istanbul");
        assert_eq!(term("ΕΛΛΗΝΙΚΆ"), "ελληνικά");
        assert_eq!(term("ОДИН"), "один");
        assert_eq!(term("don’t"), "don't");
        assert_eq!(term("ﬁnding"), "finding");
        assert_eq!(term("ＡＢＣ１２"), "abc12");
        // The Kelvin sign lowercases to ASCII k, the Ångström sign to å, which folds.
        assert_eq!(term("\u{212A}\u{212B}"), "ka");
    }

    #[test]
    fn the_ascii_run_ends_words_where_the_rules_do() {
        // Random texts of runs of ASCII letters and digits (some past the length limit) between
        // separators, joining characters, `_`, and non-ASCII letters and marks: from every letter
        // or digit, the fast scan ends where the rules end.
        let pieces = [
            " ", " ", "-", ".", "'", ":", ",", ";", "_", "é", "\u{301}", "’", "中", "Ω", "\n", "/",
        ];
        let mut rng = crate::testing::Rng::new(11);
        for _ in 0..3_000 {
            let mut text = String::new();
            while text.len() < 600 {
                if rng.chance(0.5) {
                    let len = [1, 3, 8, 254, 255, 256, 300][rng.below(7) as usize];
                    let len = if len > 8 && rng.chance(0.9) {
                        1 + rng.below(8) as usize
                    } else {
                        len
                    };
                    for _ in 0..len {
                        text.push(b"abcXYZ059"[rng.below(9) as usize] as char);
                    }
                } else {
                    text.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
                }
            }
            let spans = WordSpans::new(&text);
            for (i, c) in text.char_indices() {
                if matches!(classify(c), WordClass::Letter | WordClass::Digit) {
                    assert_eq!(
                        spans.scan_word(i),
                        spans.scan_word_by_rules(i),
                        "{text:?} at {i}"
                    );
                }
            }
        }
    }
}
