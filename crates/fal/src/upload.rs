//! Local images reach fal through its storage: ask for an upload URL, PUT the bytes there, and
//! use the returned file URL as `image_url` (the flow fal's official clients use).

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde::{Deserialize, Serialize};

use crate::client::{FalClient, read_json};
use crate::error::FalError;
use crate::options::RequestOptions;

const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(Serialize)]
struct InitiateRequest<'a> {
    content_type: &'a str,
    file_name: &'a str,
}

#[derive(Deserialize)]
struct InitiateResponse {
    upload_url: String,
    file_url: String,
}

impl FalClient {
    /// Uploads `bytes` and returns the URL fal can read them from. `options` may ask fal to
    /// delete the file after a while (`X-Fal-Object-Lifecycle`).
    pub async fn upload(
        &self,
        bytes: Bytes,
        content_type: &str,
        file_name: &str,
        options: &RequestOptions,
    ) -> Result<String, FalError> {
        let initiate = format!(
            "{}/storage/upload/initiate?storage_type=fal-cdn-v3",
            self.config.rest_url
        );
        let body = InitiateRequest {
            content_type,
            file_name,
        };
        let response = self
            .send(Method::POST, &initiate, |r| {
                options.apply_to_upload(r.json(&body))
            })
            .await?;
        let target: InitiateResponse = read_json(response, "upload initiate").await?;
        let content_type = content_type.to_owned();
        // The image can be large and the uplink slow: allow far longer than a JSON call.
        let timeout = self.config.request_timeout.max(UPLOAD_TIMEOUT);
        self.send(Method::PUT, &target.upload_url, |r| {
            r.header(CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone())
                .timeout(timeout)
        })
        .await?;
        Ok(target.file_url)
    }
}
