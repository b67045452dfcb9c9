//! fal's machine-readable causes of a failed request (`error_type` in its answers, the same
//! word in `X-Fal-Error-Type`), in plain words: what happened, and whether running the same
//! input again can go differently. The words are fal's documented request and model error
//! types; one this table does not know is shown as fal wrote it.

/// What a cause says about running the same input again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Again {
    /// A fault on fal's side or in transit: the same input may well run next time.
    MayWork,
    /// The input itself was refused: the same input fails the same way.
    FailsTheSame,
    /// Someone cancelled it.
    Cancelled,
}

/// `error_type` in plain words, and what running it again would do.
pub fn explain(error_type: &str) -> Option<(&'static str, Again)> {
    use Again::*;
    Some(match error_type {
        "content_policy_violation" => (
            "fal's content checker refused the prompt or the image; the same input is refused \
             again, so change the prompt or the image rather than re-running it",
            FailsTheSame,
        ),
        "request_timeout" => ("the run took longer than fal allows", MayWork),
        "generation_timeout" => ("the model took too long to make the video", MayWork),
        "startup_timeout" => ("no runner started on fal in time", MayWork),
        "runner_scheduling_failure" => ("fal found no runner for the job", MayWork),
        "runner_connection_timeout"
        | "runner_disconnected"
        | "runner_connection_refused"
        | "runner_connection_error" => ("fal lost its connection to the runner", MayWork),
        "runner_incomplete_response" => ("the runner's answer to fal broke off", MayWork),
        "runner_server_error" => ("the model's runner failed on fal", MayWork),
        "internal_error" | "internal_server_error" => ("fal failed internally", MayWork),
        "downstream_service_error" | "downstream_service_unavailable" => {
            ("a service the model relies on failed", MayWork)
        }
        "bad_request" => ("fal refused the request as malformed", FailsTheSame),
        "image_too_small" => ("the image is smaller than the model accepts", FailsTheSame),
        "image_too_large" | "file_too_large" => {
            ("the image is larger than the model accepts", FailsTheSame)
        }
        "image_load_error" => ("the model could not read the image", FailsTheSame),
        "file_download_error" => ("fal could not download the image", MayWork),
        "client_disconnected" | "client_cancelled" | "request_cancelled" => {
            ("the request was cancelled", Cancelled)
        }
        _ => return None,
    })
}

/// The message a failed job keeps: fal's cause in plain words first (and what re-running
/// would do), fal's own text after. `message` is remote text: sanitise before drawing.
pub fn failure_message(error_type: Option<&str>, message: &str) -> String {
    let Some(word) = error_type else {
        return message.to_owned();
    };
    match explain(word) {
        Some((words, Again::MayWork)) => {
            format!("{words} ({word}); re-running it may work. fal said: {message}")
        }
        Some((words, _)) => format!("{words} ({word}). fal said: {message}"),
        None => format!("fal says the cause is {word}: {message}"),
    }
}

/// Whether a job that failed with this cause needs its input changed, not a re-run.
pub fn is_the_inputs_fault(error_type: &str) -> bool {
    matches!(explain(error_type), Some((_, Again::FailsTheSame)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_policy_refusal_says_change_the_input() {
        let text = failure_message(
            Some("content_policy_violation"),
            "The content was flagged by a content checker.",
        );
        assert!(text.starts_with("fal's content checker refused"), "{text}");
        assert!(text.contains("change the prompt or the image"), "{text}");
        assert!(text.ends_with("fal said: The content was flagged by a content checker."));
        assert!(is_the_inputs_fault("content_policy_violation"));
    }

    #[test]
    fn a_fault_on_fals_side_says_re_running_may_work() {
        let text = failure_message(Some("runner_disconnected"), "Runner disconnected");
        assert_eq!(
            text,
            "fal lost its connection to the runner (runner_disconnected); re-running it may \
             work. fal said: Runner disconnected"
        );
        assert!(!is_the_inputs_fault("runner_disconnected"));
    }

    #[test]
    fn an_unknown_cause_is_named_as_fal_wrote_it() {
        assert_eq!(
            failure_message(Some("gremlins"), "boom"),
            "fal says the cause is gremlins: boom"
        );
        assert_eq!(failure_message(None, "boom"), "boom");
        assert!(!is_the_inputs_fault("gremlins"));
    }
}
