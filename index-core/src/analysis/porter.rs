//! The Porter stemmer: what is the stem of this English word?
//!
//! Martin Porter's original algorithm (1980), transcribed from his reference C implementation, which is
//! also what Lucene's `PorterStemmer` is. It works in place on an ASCII byte buffer and only ever
//! shortens it or rewrites its tail, so it never allocates.
//!
//! Two editions exist and they disagree on a few words:
//!
//! - **Lucene's** (what the analyzer uses, so that our BM25 numbers match Anserini's): the reference C
//!   code's departures from the published paper — `-bli` → `-ble` instead of `-abli` → `-able`, and
//!   `-logi` → `-log` — and words of one or two letters are left alone.
//! - **The published algorithm** (what Snowball's `porter` and Debian's `snowball-data` vocabulary
//!   implement): no departures, and two-letter words are stemmed too (`as` → `a`, `s` → the empty word).
//!
//! Both are the same code with the departures switched by a const parameter; the tests check the
//! published edition word for word against the vocabulary, and that Lucene's differs from it only on
//! the words its departures explain.
//!
//! Bytes outside `a`–`z` count as consonants, as in Lucene (digits, `'`, `.` can occur in our terms).

/// Stems `word` (lowercase ASCII) in place with Lucene's edition and returns the stem's length; the stem
/// is `word[..returned]`.
pub(crate) fn stem(word: &mut [u8]) -> usize {
    stem_edition::<true>(word)
}

/// `LUCENE` selects Lucene's edition (the reference C code's departures), otherwise the published one.
fn stem_edition<const LUCENE: bool>(word: &mut [u8]) -> usize {
    if LUCENE && word.len() <= 2 {
        return word.len();
    }
    let last = word.len() as isize - 1;
    let mut w = Word {
        b: word,
        k: last,
        j: 0,
    };
    w.step1ab();
    if w.k > 0 {
        w.step1c();
        w.step2::<LUCENE>();
        w.step3();
        w.step4();
        w.step5();
    }
    (w.k + 1) as usize
}

/// The word being stemmed, with the reference implementation's cursors: `b[..=k]` is the current word
/// and `j` the end of the stem before the suffix that `ends` last matched. Both may be -1 (empty).
struct Word<'a> {
    b: &'a mut [u8],
    k: isize,
    j: isize,
}

impl Word<'_> {
    fn at(&self, i: isize) -> u8 {
        self.b[i as usize]
    }

    /// Is `b[i]` a consonant? `y` is one at the start and after a vowel.
    fn is_consonant(&self, i: isize) -> bool {
        match self.at(i) {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.is_consonant(i - 1),
            _ => true,
        }
    }

    /// Porter's m: the number of vowel-consonant sequences in `b[..=j]`, the word being [C](VC)^m[V].
    fn measure(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        loop {
            if i > self.j {
                return n;
            }
            if !self.is_consonant(i) {
                break;
            }
            i += 1;
        }
        i += 1;
        loop {
            loop {
                if i > self.j {
                    return n;
                }
                if self.is_consonant(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
            n += 1;
            loop {
                if i > self.j {
                    return n;
                }
                if !self.is_consonant(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
        }
    }

    /// Does `b[..=j]` contain a vowel?
    fn stem_has_vowel(&self) -> bool {
        (0..=self.j).any(|i| !self.is_consonant(i))
    }

    /// Do `b[i-1]` and `b[i]` hold the same consonant?
    fn double_consonant(&self, i: isize) -> bool {
        i >= 1 && self.at(i) == self.at(i - 1) && self.is_consonant(i)
    }

    /// Consonant-vowel-consonant ending at `i`, the last consonant not w, x or y: the short syllable
    /// of hop(e), crim(e), but not snow, box, tray.
    fn cvc(&self, i: isize) -> bool {
        i >= 2
            && self.is_consonant(i)
            && !self.is_consonant(i - 1)
            && self.is_consonant(i - 2)
            && !matches!(self.at(i), b'w' | b'x' | b'y')
    }

    /// Does the word end with `suffix`? If so, sets `j` to the end of what precedes it.
    fn ends(&mut self, suffix: &[u8]) -> bool {
        let len = suffix.len() as isize;
        // Comparing the last letter first rejects most suffixes without a slice comparison.
        if len > self.k + 1 || self.at(self.k) != suffix[suffix.len() - 1] {
            return false;
        }
        let start = (self.k + 1 - len) as usize;
        if &self.b[start..=self.k as usize] != suffix {
            return false;
        }
        self.j = self.k - len;
        true
    }

    /// Replaces the suffix after `j` with `replacement` (never longer than the suffix it replaces).
    fn set_suffix(&mut self, replacement: &[u8]) {
        let start = (self.j + 1) as usize;
        self.b[start..start + replacement.len()].copy_from_slice(replacement);
        self.k = self.j + replacement.len() as isize;
    }

    /// Replaces the suffix when the stem before it has m > 0.
    fn replace_if_measured(&mut self, replacement: &[u8]) {
        if self.measure() > 0 {
            self.set_suffix(replacement);
        }
    }

    /// Plurals and -ed or -ing: caresses → caress, ponies → poni, cats → cat, agreed → agree,
    /// matting → mat, mating → mate, milling → mill.
    fn step1ab(&mut self) {
        if self.k >= 0 && self.at(self.k) == b's' {
            if self.ends(b"sses") {
                self.k -= 2;
            } else if self.ends(b"ies") {
                self.set_suffix(b"i");
            } else if self.k < 1 || self.at(self.k - 1) != b's' {
                self.k -= 1;
            }
        }
        if self.ends(b"eed") {
            if self.measure() > 0 {
                self.k -= 1;
            }
        } else if (self.ends(b"ed") || self.ends(b"ing")) && self.stem_has_vowel() {
            self.k = self.j;
            if self.ends(b"at") {
                self.set_suffix(b"ate");
            } else if self.ends(b"bl") {
                self.set_suffix(b"ble");
            } else if self.ends(b"iz") {
                self.set_suffix(b"ize");
            } else if self.double_consonant(self.k) {
                if !matches!(self.at(self.k), b'l' | b's' | b'z') {
                    self.k -= 1;
                }
            } else if self.measure() == 1 && self.cvc(self.k) {
                // `j == k` here (the failed `ends` calls left it alone), so this appends the e, which
                // fits where -ed or -ing was.
                self.set_suffix(b"e");
            }
        }
    }

    /// Terminal y → i when there is another vowel in the stem: happy → happi, sky → sky.
    fn step1c(&mut self) {
        if self.ends(b"y") && self.stem_has_vowel() {
            self.b[self.k as usize] = b'i';
        }
    }

    /// Double suffixes to single ones: -ization (-ize + -ation) → -ize, when the stem has m > 0.
    fn step2<const LUCENE: bool>(&mut self) {
        let replacement: &[u8] = match self.at(self.k - 1) {
            b'a' if self.ends(b"ational") => b"ate",
            b'a' if self.ends(b"tional") => b"tion",
            b'c' if self.ends(b"enci") => b"ence",
            b'c' if self.ends(b"anci") => b"ance",
            b'e' if self.ends(b"izer") => b"ize",
            b'l' if LUCENE && self.ends(b"bli") => b"ble",
            b'l' if !LUCENE && self.ends(b"abli") => b"able",
            b'l' if self.ends(b"alli") => b"al",
            b'l' if self.ends(b"entli") => b"ent",
            b'l' if self.ends(b"eli") => b"e",
            b'l' if self.ends(b"ousli") => b"ous",
            b'o' if self.ends(b"ization") => b"ize",
            b'o' if self.ends(b"ation") => b"ate",
            b'o' if self.ends(b"ator") => b"ate",
            b's' if self.ends(b"alism") => b"al",
            b's' if self.ends(b"iveness") => b"ive",
            b's' if self.ends(b"fulness") => b"ful",
            b's' if self.ends(b"ousness") => b"ous",
            b't' if self.ends(b"aliti") => b"al",
            b't' if self.ends(b"iviti") => b"ive",
            b't' if self.ends(b"biliti") => b"ble",
            b'g' if LUCENE && self.ends(b"logi") => b"log",
            _ => return,
        };
        self.replace_if_measured(replacement);
    }

    /// -ic-, -full, -ness etc.: electrical → electric, hopeful → hope, goodness → good.
    fn step3(&mut self) {
        let replacement: &[u8] = match self.at(self.k) {
            b'e' if self.ends(b"icate") => b"ic",
            b'e' if self.ends(b"ative") => b"",
            b'e' if self.ends(b"alize") => b"al",
            b'i' if self.ends(b"iciti") => b"ic",
            b'l' if self.ends(b"ical") => b"ic",
            b'l' if self.ends(b"ful") => b"",
            b's' if self.ends(b"ness") => b"",
            _ => return,
        };
        self.replace_if_measured(replacement);
    }

    /// -ant, -ence etc. removed when the stem has m > 1: revival → reviv, adoption → adopt.
    fn step4(&mut self) {
        let found = match self.at(self.k - 1) {
            b'a' => self.ends(b"al"),
            b'c' => self.ends(b"ance") || self.ends(b"ence"),
            b'e' => self.ends(b"er"),
            b'i' => self.ends(b"ic"),
            b'l' => self.ends(b"able") || self.ends(b"ible"),
            b'n' => {
                self.ends(b"ant") || self.ends(b"ement") || self.ends(b"ment") || self.ends(b"ent")
            }
            // -ion only after s or t; `ou` takes care of -ous.
            b'o' => {
                (self.ends(b"ion") && self.j >= 0 && matches!(self.at(self.j), b's' | b't'))
                    || self.ends(b"ou")
            }
            b's' => self.ends(b"ism"),
            b't' => self.ends(b"ate") || self.ends(b"iti"),
            b'u' => self.ends(b"ous"),
            b'v' => self.ends(b"ive"),
            b'z' => self.ends(b"ize"),
            _ => false,
        };
        if found && self.measure() > 1 {
            self.k = self.j;
        }
    }

    /// Final -e removed when m > 1 (or m = 1 and not a short syllable), -ll → -l when m > 1:
    /// probate → probat, rate → rate, controll → control.
    fn step5(&mut self) {
        self.j = self.k;
        if self.at(self.k) == b'e' {
            let m = self.measure();
            if m > 1 || m == 1 && !self.cvc(self.k - 1) {
                self.k -= 1;
            }
        }
        if self.at(self.k) == b'l' && self.double_consonant(self.k) && self.measure() > 1 {
            self.k -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Snowball Porter vocabulary (words, and their stems), zlib-compressed copies of Debian's
    /// snowball-data files with their CRC-32s: `testdata/snowball-porter/README.md`.
    const VOCABULARY: (&[u8], u32) = (
        include_bytes!("../../testdata/snowball-porter/voc.txt.zlib"),
        0xebb6_996e,
    );
    const STEMS: (&[u8], u32) = (
        include_bytes!("../../testdata/snowball-porter/output.txt.zlib"),
        0x6e76_43a4,
    );

    fn stemmed<const LUCENE: bool>(word: &str) -> String {
        let mut buffer = word.as_bytes().to_vec();
        let len = stem_edition::<LUCENE>(&mut buffer);
        String::from_utf8(buffer[..len].to_vec()).unwrap()
    }

    /// (word, expected stem) pairs of the Snowball Porter vocabulary.
    fn vocabulary() -> Vec<(String, String)> {
        let read = |(zlib, crc): (&[u8], u32)| {
            let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(zlib)
                .expect("the Porter vocabulary fixture is valid zlib");
            assert_eq!(
                crate::codec::crc32(&bytes),
                crc,
                "the Porter vocabulary fixture differs from the Snowball original"
            );
            String::from_utf8(bytes).expect("the Porter vocabulary is UTF-8")
        };
        let (words, stems) = (read(VOCABULARY), read(STEMS));
        let pairs: Vec<(String, String)> = words
            .lines()
            .zip(stems.lines())
            .map(|(w, s)| (w.to_string(), s.to_string()))
            .collect();
        assert_eq!(
            pairs.len(),
            words.lines().count(),
            "voc.txt and output.txt differ in length"
        );
        assert!(
            pairs.len() > 20_000,
            "the vocabulary looks truncated: {} words",
            pairs.len()
        );
        pairs
    }

    fn mismatches<const LUCENE: bool>(pairs: &[(String, String)]) -> Vec<String> {
        pairs
            .iter()
            .filter_map(|(word, expected)| {
                let got = stemmed::<LUCENE>(word);
                (got != *expected).then(|| format!("{word}: expected {expected}, got {got}"))
            })
            .collect()
    }

    #[test]
    fn published_edition_reproduces_the_snowball_vocabulary() {
        let pairs = vocabulary();
        let wrong = mismatches::<false>(&pairs);
        assert!(
            wrong.is_empty(),
            "{} of {} words differ; first 20:\n{}",
            wrong.len(),
            pairs.len(),
            wrong
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn lucene_edition_differs_only_by_its_departures() {
        let pairs = vocabulary();
        let wrong = mismatches::<true>(&pairs);
        let unexplained: Vec<&String> = wrong
            .iter()
            .filter(|line| {
                let word = line.split(':').next().unwrap();
                !(word.len() <= 2 || word.contains("bl") || word.contains("log"))
            })
            .collect();
        assert!(
            unexplained.is_empty(),
            "differences not explained by Lucene's departures: {unexplained:?}"
        );
        // Pinned so that a change to either edition shows up here.
        assert_eq!(wrong.len(), LUCENE_DEPARTURES_IN_VOCABULARY, "{wrong:#?}");
    }

    /// Vocabulary words Lucene stems differently: 12 two-letter words (as, is, us, ...) and the words
    /// reaching -bli or -logi in step 2 (possibly → possibl, phonology → phonolog).
    const LUCENE_DEPARTURES_IN_VOCABULARY: usize = 39;

    #[test]
    fn lucene_known_examples() {
        for (word, stem) in [
            ("running", "run"),
            ("relational", "relat"),
            ("generalizations", "gener"),
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("agreed", "agre"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("possibly", "possibl"),
            ("phonology", "phonolog"),
            ("biology", "biologi"),
            ("covid19", "covid19"),
            ("as", "as"),
            ("s", "s"),
        ] {
            assert_eq!(stemmed::<true>(word), stem, "{word}");
        }
    }

    #[test]
    fn published_edition_stems_two_letter_words() {
        assert_eq!(stemmed::<false>("as"), "a");
        assert_eq!(stemmed::<false>("s"), "");
        assert_eq!(stemmed::<false>("possibly"), "possibli");
    }

    #[test]
    fn stem_never_grows_the_word() {
        for word in [
            "bled",
            "sized",
            "conflated",
            "hoping",
            "ies",
            "sses",
            "eed",
            "ing",
            "y",
            "",
        ] {
            let mut buffer = word.as_bytes().to_vec();
            assert!(stem(&mut buffer) <= word.len(), "{word}");
        }
    }
}
