//! Uploads (initiate + PUT, and the CDN token flow) and ranged downloads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use i2v_sim::{SAMPLE_MP4, SimConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn initiate_put_get_roundtrip() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let base = server.base_url();
    let initiated = client
        .post(format!(
            "{base}/storage/upload/initiate?storage_type=fal-cdn-v3"
        ))
        .header("Authorization", KEY)
        .json(&json!({"content_type": "image/png", "file_name": "in.png"}))
        .send()
        .await
        .unwrap();
    assert_eq!(initiated.status(), 200);
    let initiated: Value = initiated.json().await.unwrap();
    let upload_url = initiated["upload_url"].as_str().unwrap();
    let file_url = initiated["file_url"].as_str().unwrap();
    assert!(upload_url.starts_with(&base));
    assert!(file_url.starts_with(&format!("{base}/files/")));
    assert!(file_url.ends_with("/in.png"));

    // A real first frame: the sim checks an uploaded image against the model's limits.
    let image = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/frame.png"
    ))
    .unwrap();
    let put = client
        .put(upload_url)
        .header("Content-Type", "image/png")
        .body(image.clone())
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());

    let fetched = client.get(file_url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), image);

    // The uploaded URL is a valid image_url for a submit.
    let mut body = input();
    body["image_url"] = file_url.into();
    let response = submit_request(&client, &server, &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.stats().by_route["upload"], 2);
}

#[tokio::test]
async fn initiate_needs_a_key_and_both_fields() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let url = format!("{}/storage/upload/initiate", server.base_url());
    let body = json!({"content_type": "image/png", "file_name": "in.png"});
    let no_key = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(no_key.status(), 401);
    let missing = client
        .post(&url)
        .header("Authorization", KEY)
        .json(&json!({"content_type": "image/png"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    let missing: Value = missing.json().await.unwrap();
    assert_eq!(missing["detail"][0]["loc"], json!(["body", "file_name"]));
}

#[tokio::test]
async fn cdn_token_then_direct_upload() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let base = server.base_url();
    let token: Value = client
        .post(format!("{base}/storage/auth/token?storage_type=fal-cdn-v3"))
        .header("Authorization", KEY)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert!(token["expires_at"].is_string());
    let cdn = token["base_url"].as_str().unwrap();
    let auth = format!("Bearer {}", token["token"].as_str().unwrap());

    let uploaded = client
        .post(format!("{cdn}/files/upload"))
        .header("Authorization", &auth)
        .header("Content-Type", "image/jpeg")
        .header("X-Fal-File-Name", "photo.jpg")
        .body(vec![0xff, 0xd8, 0xff])
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let uploaded: Value = uploaded.json().await.unwrap();
    let fetched = client
        .get(uploaded["access_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.headers()["content-type"], "image/jpeg");
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), [0xff, 0xd8, 0xff]);

    let forged = client
        .post(format!("{cdn}/files/upload"))
        .header("Authorization", "Bearer forged")
        .body(vec![1])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn the_output_video_serves_ranges() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    let video_url = format!(
        "{}/files/{}/output.mp4",
        server.base_url(),
        job["request_id"].as_str().unwrap()
    );
    poll_until_completed(&client, job["status_url"].as_str().unwrap()).await;

    let full = client.get(&video_url).send().await.unwrap();
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert_eq!(full.content_length(), Some(SAMPLE_MP4.len() as u64));

    let tail = client
        .get(&video_url)
        .header("Range", "bytes=1000-")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.content_length(), Some(SAMPLE_MP4.len() as u64 - 1000));
    assert_eq!(tail.bytes().await.unwrap(), &SAMPLE_MP4[1000..]);

    let beyond = client
        .get(&video_url)
        .header("Range", format!("bytes={}-", SAMPLE_MP4.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{}", SAMPLE_MP4.len()).as_str()
    );
}

#[tokio::test]
async fn no_video_before_completion() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let job = submit(&client, &server).await;
    let id = job["request_id"].as_str().unwrap();
    let video_url = format!("{}/files/{id}/output.mp4", server.base_url());
    assert_eq!(client.get(&video_url).send().await.unwrap().status(), 404);
}
