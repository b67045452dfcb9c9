//! What sets each prompt of a batch apart from the others, in a few words: the words common
//! to all of them are left out, and what is left of each is named run by run. A matrix
//! `a {red|blue} fox {runs|sleeps}` gives `red · runs`, `red · sleeps`, `blue · runs`…
//! Words are the prompt diff's (`words::tokens`), so punctuation beside a word does not make
//! it differ.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::words::{is_word, tokens};

/// For each of `prompts`, in order, its own words run by run (`red · runs`); empty for a
/// prompt that has nothing the others lack (all of them, when they are all the same).
pub(crate) fn differences(prompts: &[&str]) -> Vec<String> {
    let words: Vec<Vec<&str>> = prompts
        .iter()
        .map(|p| tokens(p).into_iter().filter(|t| is_word(t)).collect())
        .collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    // The words every prompt has, in order: the first prompt's, narrowed by each other one.
    let mut common: Vec<&str> = first.clone();
    for other in &words[1..] {
        common = capture_diff_slices(Algorithm::Myers, &common, other)
            .iter()
            .filter_map(|op| match *op {
                DiffOp::Equal { old_index, len, .. } => Some(&common[old_index..old_index + len]),
                _ => None,
            })
            .flatten()
            .copied()
            .collect();
    }
    words
        .iter()
        .map(|own| {
            let runs: Vec<String> = capture_diff_slices(Algorithm::Myers, &common, own)
                .iter()
                .filter_map(|op| match *op {
                    DiffOp::Insert {
                        new_index, new_len, ..
                    }
                    | DiffOp::Replace {
                        new_index, new_len, ..
                    } => Some(own[new_index..new_index + new_len].join(" ")),
                    _ => None,
                })
                .collect();
            runs.join(" · ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_is_named_by_its_alternatives() {
        let prompts = [
            "a red fox runs, at dusk",
            "a red fox sleeps, at dusk",
            "a blue fox runs, at dusk",
            "a blue fox sleeps, at dusk",
        ];
        assert_eq!(
            differences(&prompts),
            ["red · runs", "red · sleeps", "blue · runs", "blue · sleeps"]
        );
    }

    #[test]
    fn an_empty_alternative_and_whole_phrases() {
        let prompts = [
            "slow dolly in on the harbour",
            "dolly in on the harbour",
            "fast whip pan dolly in on the harbour",
        ];
        assert_eq!(differences(&prompts), ["slow", "", "fast whip pan"]);
    }

    #[test]
    fn the_same_prompt_again_has_nothing_of_its_own() {
        assert_eq!(differences(&["a fox", "a fox", "a fox"]), ["", "", ""]);
        assert!(differences(&[]).is_empty());
        assert_eq!(differences(&["only one"]), [""]);
    }
}
