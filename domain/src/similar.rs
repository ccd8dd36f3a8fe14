//! Finding public tickets similar to a request being typed: the words of its title and
//! description become a full-text query that matches any of them (PostgreSQL ranks the tickets
//! that match more, and rarer, words higher).

/// At most this many words are searched for (the title's first).
pub const MAX_WORDS: usize = 16;
/// Shorter words say too little to suggest anything.
const MIN_WORD_CHARS: usize = 3;

/// A `websearch_to_tsquery` expression matching any significant word of `title` and
/// `description`, or `None` when there is nothing to search for. Only letters and digits pass,
/// so nothing typed can be read as a search operator.
pub fn query(title: &str, description: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for word in title.split(|c: char| !c.is_alphanumeric()).chain(description.split(|c: char| !c.is_alphanumeric())) {
        let word = word.to_lowercase();
        if word.chars().count() >= MIN_WORD_CHARS && word != "or" && !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MAX_WORDS {
            break;
        }
    }
    (!words.is_empty()).then(|| words.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_significant_word_matches() {
        assert_eq!(query("Hub is down", "Users can't log in"), Some("hub or down or users or can or log".to_owned()));
    }

    #[test]
    fn operators_and_punctuation_are_never_passed_on() {
        assert_eq!(query("\"disk\" -full OR quota", "a|b & !c <-> d:*"), Some("disk or full or quota".to_owned()));
        assert_eq!(query("or OR or", ""), None);
    }

    #[test]
    fn nothing_to_search_for_is_none_and_words_are_capped() {
        assert_eq!(query("", "  "), None);
        assert_eq!(query("a b c", "?!"), None);
        let many: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
        let query = query(&many.join(" "), "").unwrap();
        assert_eq!(query.split(" or ").count(), MAX_WORDS);
        assert!(query.starts_with("word0 or word1"));
    }

    #[test]
    fn repeated_words_count_once_and_letters_of_any_script_count() {
        assert_eq!(query("Jupyter jupyter JUPYTER", "Zürich données"), Some("jupyter or zürich or données".to_owned()));
    }
}
