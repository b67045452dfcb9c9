//! Checks a submit body the way the model's input schema would, naming each bad field.

use serde_json::Value;

use crate::wire::field_error;

/// The parts of the input the sim uses.
#[derive(Debug)]
pub(crate) struct Input {
    pub prompt: String,
    pub image_url: String,
}

pub(crate) fn validate(body: &[u8]) -> Result<Input, Vec<Value>> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        vec![field_error(
            &["body"],
            &format!("JSON decode error: {e}"),
            "json_invalid",
        )]
    })?;
    let Value::Object(map) = value else {
        return Err(vec![field_error(
            &["body"],
            "Input should be a valid dictionary or object",
            "model_attributes_type",
        )]);
    };
    let mut errors = Vec::new();
    let prompt = match map.get("prompt") {
        None => {
            errors.push(field_error(
                &["body", "prompt"],
                "Field required",
                "missing",
            ));
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            errors.push(field_error(
                &["body", "prompt"],
                "String should have at least 1 character",
                "string_too_short",
            ));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(field_error(
                &["body", "prompt"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    };
    let image_url = match map.get("image_url") {
        None => {
            errors.push(field_error(
                &["body", "image_url"],
                "Field required",
                "missing",
            ));
            None
        }
        Some(Value::String(url)) if is_image_url(url) => Some(url.clone()),
        Some(Value::String(_)) => {
            errors.push(field_error(
                &["body", "image_url"],
                "Input should be an http(s) URL or a data:image/...;base64, URI",
                "url_parsing",
            ));
            None
        }
        Some(_) => {
            errors.push(field_error(
                &["body", "image_url"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    };
    match map.get("prompt_optimizer") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => errors.push(field_error(
            &["body", "prompt_optimizer"],
            "Input should be a valid boolean",
            "bool_type",
        )),
    }
    match (prompt, image_url) {
        (Some(prompt), Some(image_url)) if errors.is_empty() => Ok(Input { prompt, image_url }),
        _ => Err(errors),
    }
}

fn is_image_url(url: &str) -> bool {
    let lower = url
        .get(..url.len().min(16))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let web = (lower.starts_with("http://") || lower.starts_with("https://"))
        && url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty());
    let data = lower.starts_with("data:image/") && url.contains(";base64,");
    web || data
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locs(body: &str) -> Vec<String> {
        match validate(body.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| e["loc"].to_string()).collect(),
        }
    }

    #[test]
    fn accepts_urls_and_data_uris() {
        assert!(locs(r#"{"prompt":"a cat","image_url":"https://x.test/a.png"}"#).is_empty());
        assert!(
            locs(r#"{"prompt":"a","image_url":"data:image/png;base64,AAAA","prompt_optimizer":false}"#)
                .is_empty()
        );
    }

    #[test]
    fn names_every_bad_field() {
        assert_eq!(
            locs(r#"{"image_url":"ftp://x","prompt_optimizer":"yes"}"#),
            [
                r#"["body","prompt"]"#,
                r#"["body","image_url"]"#,
                r#"["body","prompt_optimizer"]"#
            ]
        );
        assert_eq!(
            locs(r#"{"prompt":"  ","image_url":"http://x/a"}"#),
            [r#"["body","prompt"]"#]
        );
        assert_eq!(locs("[1]"), [r#"["body"]"#]);
        assert_eq!(locs("{nope"), [r#"["body"]"#]);
    }
}
