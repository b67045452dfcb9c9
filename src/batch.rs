//! What one submit sends: a prompt template expanded into its prompts (see [`crate::matrix`]),
//! each sent `repeat` times, checked against the per-submit cap before anything is listed.

use thiserror::Error;

use crate::matrix::{Matrix, MatrixError};
use crate::spend::usd;

/// The jobs of one submit, in the order they are sent: each prompt's repeats together, the
/// prompts in the matrix's order.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchPlan {
    /// Distinct positions of the matrix (the same text may appear twice: `{a|a}`).
    pub prompts: Vec<String>,
    /// How many times each prompt is sent (1 or more).
    pub repeat: u64,
}

#[derive(Clone, Debug, PartialEq, Error)]
pub enum PlanError {
    #[error("the prompt has a broken group of alternatives: {0}")]
    Matrix(#[from] MatrixError),
    #[error(
        "this would send {jobs} jobs{shape}, more than the {cap} allowed in one submit; \
         nothing was sent"
    )]
    OverCap { jobs: u64, shape: String, cap: u64 },
}

impl BatchPlan {
    /// Expands `template` (unless `literal`: then it is one prompt exactly as written) and
    /// refuses more than `cap` jobs, before listing any prompt.
    pub fn new(template: &str, repeat: u64, literal: bool, cap: u64) -> Result<Self, PlanError> {
        let repeat = repeat.max(1);
        let matrix = if literal {
            Matrix::parse(&crate::matrix::escape(template))?
        } else {
            Matrix::parse(template)?
        };
        let prompts = matrix.count();
        let jobs = prompts.saturating_mul(repeat);
        if jobs > cap {
            return Err(PlanError::OverCap {
                jobs,
                shape: shape(prompts, repeat),
                cap,
            });
        }
        Ok(Self {
            prompts: matrix.prompts().collect(),
            repeat,
        })
    }

    pub fn jobs(&self) -> u64 {
        (self.prompts.len() as u64).saturating_mul(self.repeat)
    }

    /// Every job's prompt, in sending order.
    pub fn each_job(&self) -> impl Iterator<Item = &str> {
        self.prompts
            .iter()
            .flat_map(|prompt| std::iter::repeat_n(prompt.as_str(), self.repeat as usize))
    }

    /// "4 jobs (2 prompts × 2 each), $1.32 at $0.33 a video"
    pub fn summary(&self, price_per_video: f64) -> String {
        let jobs = self.jobs();
        format!(
            "{jobs} {}{}, {} at {} a video",
            if jobs == 1 { "job" } else { "jobs" },
            shape(self.prompts.len() as u64, self.repeat),
            usd(jobs as f64 * price_per_video),
            usd(price_per_video)
        )
    }
}

/// How the jobs come about when repeats are involved: " (2 prompts × 3 each)",
/// " (1 prompt × 5)"; nothing when each prompt is one job.
fn shape(prompts: u64, repeat: u64) -> String {
    match (prompts, repeat) {
        (_, 1) => String::new(),
        (1, _) => format!(" (1 prompt × {repeat})"),
        _ => format!(" ({prompts} prompts × {repeat} each)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_of_a_prompt_go_together_in_matrix_order() {
        let plan = BatchPlan::new("a {red|blue} fox", 2, false, 50).unwrap();
        assert_eq!(plan.jobs(), 4);
        assert_eq!(
            plan.each_job().collect::<Vec<_>>(),
            ["a red fox", "a red fox", "a blue fox", "a blue fox"]
        );
        assert_eq!(
            plan.summary(0.33),
            "4 jobs (2 prompts × 2 each), $1.32 at $0.33 a video"
        );
    }

    #[test]
    fn a_literal_prompt_is_one_prompt_braces_and_all() {
        let plan = BatchPlan::new("a {red|blue} fox", 1, true, 50).unwrap();
        assert_eq!(plan.prompts, ["a {red|blue} fox"]);
        assert_eq!(plan.summary(0.33), "1 job, $0.33 at $0.33 a video");
        let plan = BatchPlan::new("a {red|blue} fox", 1, false, 50).unwrap();
        assert_eq!(plan.summary(0.5), "2 jobs, $1.00 at $0.50 a video");
    }

    #[test]
    fn more_than_the_cap_is_refused_before_anything_is_listed() {
        let err =
            BatchPlan::new("{a|b|c|d|e|f|g|h|i|j}".repeat(40).as_str(), 1, false, 50).unwrap_err();
        assert!(
            matches!(err, PlanError::OverCap { jobs: u64::MAX, .. }),
            "{err:?}"
        );
        let err = BatchPlan::new("{a|b|c}", 20, false, 50).unwrap_err();
        assert_eq!(
            err.to_string(),
            "this would send 60 jobs (3 prompts × 20 each), more than the 50 allowed in one \
             submit; nothing was sent"
        );
        assert_eq!(BatchPlan::new("{a|b}", 25, false, 50).unwrap().jobs(), 50);
    }

    #[test]
    fn a_broken_group_says_so() {
        let err = BatchPlan::new("a {red fox", 1, false, 50).unwrap_err();
        assert!(err.to_string().contains("column 3"), "{err}");
    }
}
