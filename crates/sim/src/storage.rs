//! Files clients uploaded, and the CDN tokens handed out for uploading.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;

/// One upload slot: announced by initiate, filled by the PUT.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub content_type: String,
    pub file_name: String,
    pub data: Option<Bytes>,
}

#[derive(Debug, Default)]
pub(crate) struct Storage {
    uploads: Mutex<HashMap<String, Upload>>,
    tokens: Mutex<HashSet<String>>,
}

impl Storage {
    /// Reserve a slot; returns its token.
    pub(crate) fn reserve(&self, content_type: String, file_name: String) -> String {
        let token = random_token();
        lock(&self.uploads).insert(
            token.clone(),
            Upload {
                content_type,
                file_name,
                data: None,
            },
        );
        token
    }

    /// Fill a reserved slot. False when the token is unknown.
    pub(crate) fn fill(&self, token: &str, data: Bytes) -> bool {
        match lock(&self.uploads).get_mut(token) {
            Some(upload) => {
                upload.data = Some(data);
                true
            }
            None => false,
        }
    }

    pub(crate) fn get(&self, token: &str) -> Option<Upload> {
        lock(&self.uploads).get(token).cloned()
    }

    pub(crate) fn issue_token(&self) -> String {
        let token = random_token();
        lock(&self.tokens).insert(token.clone());
        token
    }

    pub(crate) fn token_is_valid(&self, token: &str) -> bool {
        lock(&self.tokens).contains(token)
    }
}

/// A file name safe to put in a URL path: anything unusual becomes `_`.
pub(crate) fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "file".to_string()
    } else {
        cleaned
    }
}

fn random_token() -> String {
    (0..32)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_made_url_safe() {
        assert_eq!(safe_file_name("in.png"), "in.png");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("my photo #1.jpg"), "my_photo__1.jpg");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name(""), "file");
    }
}
