//! Bytes on disk to a [`JobRecord`], tolerant of older writers and honest about newer ones.

use std::path::Path;

use serde::Deserialize;

use crate::error::StoreError;
use crate::record::{JobId, JobRecord, SCHEMA_VERSION};

/// Reads one record file's bytes. `expected` is the id its file name promises.
///
/// Unknown fields are ignored (serde's default), fields added later have defaults, so older
/// and slightly newer files of the same schema read fine. Version 2 only added fields (and a
/// `null` queue position) to version 1, so version 1 files read as they are; a later version
/// that changes a shape converts the older ones here.
pub(crate) fn decode(path: &Path, bytes: &[u8], expected: &JobId) -> Result<JobRecord, StoreError> {
    match serde_json::from_slice::<JobRecord>(bytes) {
        Ok(record) => {
            // Even if a newer file happens to parse, its fields may mean something else now.
            check_schema(path, record.schema)?;
            if record.id != *expected {
                return Err(corrupt(
                    path,
                    format!("holds job {}, but its file name says {expected}", record.id),
                ));
            }
            Ok(record)
        }
        Err(err) => {
            // A newer writer may have changed the shape: say that rather than "corrupt".
            if let Ok(probe) = serde_json::from_slice::<SchemaProbe>(bytes) {
                check_schema(path, probe.schema)?;
            }
            let message = if bytes.iter().all(u8::is_ascii_whitespace) {
                "the file is empty".to_owned()
            } else {
                format!("not a valid job record: {err}")
            };
            Err(corrupt(path, message))
        }
    }
}

#[derive(Deserialize)]
struct SchemaProbe {
    schema: u32,
}

fn check_schema(path: &Path, found: u32) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn corrupt(path: &Path, message: String) -> StoreError {
    StoreError::Corrupt {
        path: path.to_owned(),
        message,
    }
}
